import { Readable } from "node:stream";

/** Pieces queued before the stream is paused, and the level at which it resumes. */
const HIGH = 8;
const LOW = 2;

/**
 * The pieces of a byte stream as they arrived, for `for await`. A Readable's
 * own iterator joins whatever queued meanwhile into one new buffer, a copy
 * per read that a pack upload of a gigabyte feels; this hands each piece on
 * as it came, pausing the stream while too many wait. If the consumer stops
 * early, the rest of the stream is drained unread, so an HTTP server can
 * still answer on the same connection.
 */
export async function* piecesOf(
  source: Readable | AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (!(source instanceof Readable)) {
    yield* source;
    return;
  }
  const queue: Uint8Array[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const onData = (piece: Uint8Array) => {
    queue.push(piece);
    if (queue.length >= HIGH) source.pause();
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  const onError = (error: unknown) => {
    failure ??= error;
    notify();
  };
  const onClose = () => {
    if (!ended) failure ??= new Error("the stream closed before its end");
    notify();
  };
  source.on("data", onData);
  source.on("end", onEnd);
  source.on("error", onError);
  source.on("close", onClose);
  try {
    for (;;) {
      const piece = queue.shift();
      if (piece !== undefined) {
        if (queue.length <= LOW && source.isPaused()) source.resume();
        yield piece;
      } else if (failure !== undefined) {
        throw failure;
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
  } finally {
    source.off("data", onData);
    source.off("end", onEnd);
    source.off("close", onClose);
    if (!ended && failure === undefined) source.resume();
    // Errors after we stop listening must not become uncaught exceptions.
    source.off("error", onError);
    source.on("error", () => undefined);
  }
}
