import { connect } from "node:net";

export interface StreamedHead {
  status: number;
  statusText: string;
  /** Lower-case names. */
  headers: Map<string, string>;
}

export interface StreamedPostOptions {
  contentType: string;
  signal?: AbortSignal;
  /** Idle time after which the request fails with ETIMEDOUT. */
  timeoutMs: number;
  /** Bytes read from the socket at once, into one buffer reused for every read. */
  readBytes?: number;
}

const MAX_HEAD = 64 * 1024;

/**
 * One HTTP/1.1 POST over plain TCP whose response body is handed to
 * `onBody` piece by piece, each piece a view of a buffer that the next read
 * overwrites (so `onBody` must copy what it keeps). For bulk downloads:
 * node:http allocates a buffer per socket read and routes each through a
 * stream, which for a gigabyte costs about as much CPU as the rest of the
 * client. The connection is not reused. Resolves when the body is complete;
 * rejects with the socket's error, an error thrown by a callback, or
 * `Error("...")` when the response is malformed or cut.
 */
export function streamedPost(
  url: URL,
  body: Uint8Array,
  options: StreamedPostOptions,
  onHead: (head: StreamedHead) => void,
  onBody: (piece: Uint8Array) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const parser = new ResponseParser(onHead, onBody);
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () =>
      finish(Object.assign(new Error("The operation was aborted"), { name: "AbortError" }));
    if (options.signal?.aborted) {
      reject(Object.assign(new Error("The operation was aborted"), { name: "AbortError" }));
      return;
    }
    const socket = connect({
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: Number(url.port || 80),
      onread: {
        buffer: Buffer.allocUnsafe(options.readBytes ?? 1024 * 1024),
        callback: (length: number, buffer: Uint8Array) => {
          if (settled) return false;
          try {
            if (parser.push(buffer.subarray(0, length))) finish();
          } catch (error) {
            finish(error);
            return false;
          }
          return true;
        },
      },
    });
    options.signal?.addEventListener("abort", onAbort);
    socket.setNoDelay(true);
    socket.setTimeout(options.timeoutMs, () =>
      finish(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })),
    );
    socket.on("error", finish);
    socket.on("end", () => {
      try {
        if (parser.end()) finish();
        else finish(new Error("the connection closed before the response was complete"));
      } catch (error) {
        finish(error);
      }
    });
    socket.on("close", () => finish(new Error("the connection closed")));
    const path = `${url.pathname}${url.search}`;
    const head =
      `POST ${path} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: ${options.contentType}\r\n` +
      `content-length: ${body.byteLength}\r\naccept-encoding: identity\r\nconnection: close\r\n\r\n`;
    socket.write(head, "latin1");
    socket.write(body);
  });
}

enum Part {
  Head,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailer,
  Sized,
  UntilClose,
  Done,
}

/** An HTTP/1.1 response as a push parser: a head, then a body sized, chunked or until close. */
class ResponseParser {
  private part = Part.Head;
  private line = "";
  private left = 0;

  constructor(
    private readonly onHead: (head: StreamedHead) => void,
    private readonly onBody: (piece: Uint8Array) => void,
  ) {}

  /** Feeds bytes; true once the response is complete. */
  push(bytes: Uint8Array): boolean {
    let at = 0;
    while (at < bytes.byteLength && this.part !== Part.Done) {
      switch (this.part) {
        case Part.Head: {
          const end = this.scanLine(bytes, at);
          at = end.at;
          if (end.line === undefined) break;
          if (end.line === "") this.startBody();
          else this.headLines.push(end.line);
          break;
        }
        case Part.ChunkSize: {
          const end = this.scanLine(bytes, at);
          at = end.at;
          if (end.line === undefined) break;
          const hex = end.line.split(";")[0]?.trim() ?? "";
          if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) throw new Error("malformed chunked response");
          this.left = Number.parseInt(hex, 16);
          this.part = this.left === 0 ? Part.Trailer : Part.ChunkData;
          break;
        }
        case Part.ChunkData:
        case Part.Sized: {
          const n = Math.min(this.left, bytes.byteLength - at);
          if (n > 0) this.onBody(bytes.subarray(at, at + n));
          at += n;
          this.left -= n;
          if (this.left === 0) this.part = this.part === Part.Sized ? Part.Done : Part.ChunkEnd;
          break;
        }
        case Part.ChunkEnd: {
          const end = this.scanLine(bytes, at);
          at = end.at;
          if (end.line === undefined) break;
          if (end.line !== "") throw new Error("malformed chunked response");
          this.part = Part.ChunkSize;
          break;
        }
        case Part.Trailer: {
          const end = this.scanLine(bytes, at);
          at = end.at;
          if (end.line === "") this.part = Part.Done;
          break;
        }
        case Part.UntilClose:
          this.onBody(bytes.subarray(at));
          at = bytes.byteLength;
          break;
      }
    }
    return this.part === Part.Done;
  }

  /** The peer closed: true when that ends the response. */
  end(): boolean {
    if (this.part === Part.UntilClose) this.part = Part.Done;
    return this.part === Part.Done;
  }

  private readonly headLines: string[] = [];
  private headBytes = 0;

  /** The next line (without CRLF) if it is complete; else keeps its start and returns undefined. */
  private scanLine(bytes: Uint8Array, at: number): { line: string | undefined; at: number } {
    const nl = bytes.indexOf(0x0a, at);
    const end = nl < 0 ? bytes.byteLength : nl;
    this.headBytes += end - at;
    if (this.headBytes > MAX_HEAD) throw new Error("response head too long");
    this.line += Buffer.from(bytes.buffer, bytes.byteOffset + at, end - at).toString("latin1");
    if (nl < 0) return { line: undefined, at: end };
    const line = this.line.endsWith("\r") ? this.line.slice(0, -1) : this.line;
    this.line = "";
    this.headBytes = 0;
    return { line, at: nl + 1 };
  }

  private startBody(): void {
    const [status = "", ...fields] = this.headLines;
    const match = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(status);
    if (!match) throw new Error("malformed HTTP response");
    const code = Number(match[1]);
    if (code >= 100 && code < 200) {
      // An interim response (100 Continue): the real one follows.
      this.headLines.length = 0;
      return;
    }
    const headers = new Map<string, string>();
    for (const field of fields) {
      const colon = field.indexOf(":");
      if (colon > 0)
        headers.set(field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim());
    }
    this.onHead({ status: code, statusText: match[2] ?? "", headers });
    const length = headers.get("content-length");
    if (code === 204 || code === 304) this.part = Part.Done;
    else if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) this.part = Part.ChunkSize;
    else if (length !== undefined) {
      if (!/^\d+$/.test(length)) throw new Error("malformed content-length");
      this.left = Number(length);
      this.part = this.left === 0 ? Part.Done : Part.Sized;
    } else this.part = Part.UntilClose;
  }
}
