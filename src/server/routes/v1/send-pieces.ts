import type { ServerResponse } from "node:http";

/**
 * Streams pieces as a 200 response, handing each back through `release` once
 * the socket has taken it, so its buffer can carry a later piece. Waits for
 * the socket to drain rather than queueing. A failure mid-way cuts the
 * response (the status is already sent, and a receiver that checks the
 * body's framing sees it incomplete) and goes to `onError`, the only place
 * an operator can learn why.
 */
export async function sendPieces(
  res: ServerResponse,
  headers: Record<string, string>,
  pieces: AsyncIterable<Uint8Array>,
  release: (piece: Uint8Array) => void,
  onError: (error: unknown) => void,
): Promise<void> {
  res.writeHead(200, headers);
  try {
    for await (const piece of pieces) {
      if (res.destroyed) return;
      if (!res.write(piece, () => release(piece))) await drained(res);
    }
    res.end();
  } catch (error) {
    onError(error);
    res.destroy(error as Error);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
