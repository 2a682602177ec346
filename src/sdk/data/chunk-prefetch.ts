import type { HttpClient } from "../http-client.js";
import { LockstepApiError } from "../lockstep-api-error.js";
import { backoffDelay, sleep } from "../retry-policy.js";
import { fetchPack } from "./blob-packs-api.js";
import { sha256 } from "./local-chunks.js";

export interface PlannedChunk {
  digest: string;
  size: number;
}

export interface PrefetchOptions {
  /** Bytes asked for per request. Default is 8 MiB. */
  requestBytes?: number;
  /** Requests in flight (and held in memory) at once. Default is 3. */
  concurrency?: number;
}

/** A chunk that could not be had from the server, or came back with other bytes. */
export class ChunkFetchError extends Error {
  constructor(
    readonly digest: string,
    readonly corrupt: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ChunkFetchError";
  }
}

const ATTEMPTS = 3;
/** The server's limit on digests per request. */
const MAX_DIGESTS = 10_000;

/**
 * Downloads a known sequence of chunks in order, many per request
 * (`POST /blobs/unpack`), a few requests ahead of the reader. Every chunk
 * is re-hashed as it arrives; one whose bytes do not match its digest is
 * never handed out.
 */
export class ChunkPrefetch {
  private readonly requests: PlannedChunk[][] = [];
  private readonly inFlight: Promise<{ digest: string; bytes: Uint8Array }[]>[] = [];
  private nextRequest = 0;
  private current: { digest: string; bytes: Uint8Array }[] = [];
  private at = 0;
  private readonly concurrency: number;
  private readonly abort = new AbortController();
  downloadedChunks = 0;
  downloadedBytes = 0;

  constructor(
    private readonly http: HttpClient,
    plan: readonly PlannedChunk[],
    options: PrefetchOptions = {},
  ) {
    const limit = options.requestBytes ?? 8 * 1024 * 1024;
    this.concurrency = Math.max(1, options.concurrency ?? 3);
    let group: PlannedChunk[] = [];
    let bytes = 0;
    for (const chunk of plan) {
      group.push(chunk);
      bytes += chunk.size;
      if (bytes >= limit || group.length >= MAX_DIGESTS) {
        this.requests.push(group);
        group = [];
        bytes = 0;
      }
    }
    if (group.length > 0) this.requests.push(group);
  }

  /** The next planned chunk's verified bytes; `digest` must be the one planned next. */
  async next(digest: string): Promise<Uint8Array> {
    if (this.at >= this.current.length) {
      this.fill();
      const request = this.inFlight.shift();
      if (!request) throw new Error(`Chunk ${digest} was not planned for download`);
      this.current = await request;
      this.at = 0;
      this.fill();
    }
    const entry = this.current[this.at];
    if (entry?.digest !== digest) {
      throw new Error(`Chunk ${digest} was asked for out of the planned order`);
    }
    this.current[this.at++] = undefined as never;
    return entry.bytes;
  }

  /** Stops requests still running (after a failure elsewhere). */
  close(): void {
    this.abort.abort();
    for (const request of this.inFlight) request.catch(() => undefined);
  }

  private fill(): void {
    while (this.inFlight.length < this.concurrency && this.nextRequest < this.requests.length) {
      const request = this.fetchVerified(this.requests[this.nextRequest++] as PlannedChunk[]);
      request.catch(() => undefined);
      this.inFlight.push(request);
    }
  }

  private async fetchVerified(
    chunks: PlannedChunk[],
  ): Promise<{ digest: string; bytes: Uint8Array }[]> {
    for (let attempt = 1; ; attempt++) {
      const out: { digest: string; bytes: Uint8Array }[] = [];
      try {
        for await (const entry of fetchPack(
          this.http,
          chunks.map((c) => c.digest),
          this.abort.signal,
        )) {
          const want = chunks[out.length];
          if (entry.digest !== want?.digest) {
            throw new ChunkFetchError(
              want?.digest ?? entry.digest,
              false,
              `the server sent ${entry.digest} where ${want?.digest ?? "nothing"} was expected`,
            );
          }
          const actual = sha256(entry.bytes);
          if (actual !== entry.digest) {
            throw new ChunkFetchError(
              entry.digest,
              true,
              `its bytes hash to ${actual}; refusing to write it`,
            );
          }
          out.push(entry);
        }
        if (out.length !== chunks.length) {
          throw new LockstepApiError(0, "UNAVAILABLE", "the server's pack ended early");
        }
        this.downloadedChunks += out.length;
        for (const e of out) this.downloadedBytes += e.bytes.byteLength;
        return out;
      } catch (error) {
        const retry =
          error instanceof LockstepApiError &&
          error.retryable &&
          error.status !== 500 &&
          attempt < ATTEMPTS &&
          !this.abort.signal.aborted;
        if (retry) {
          await sleep(backoffDelay(attempt));
          continue;
        }
        if (error instanceof ChunkFetchError) throw error;
        const failed = chunks[out.length]?.digest ?? (chunks[0] as PlannedChunk).digest;
        const reason = error instanceof Error ? error.message : String(error);
        throw new ChunkFetchError(failed, false, reason, { cause: error });
      }
    }
  }
}
