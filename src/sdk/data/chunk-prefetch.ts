import type { HttpClient } from "../http-client.js";
import { LockstepApiError } from "../lockstep-api-error.js";
import { backoffDelay, sleep } from "../retry-policy.js";
import { receivePack } from "./blob-packs-api.js";
import type { HashCheck, HashWorkerPool } from "./hash-worker-pool.js";
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
  /** Threads that verify the chunks; without, they are verified on this thread. */
  hashPool?: HashWorkerPool;
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
/** Bytes of chunks per job for a hashing thread: few messages, yet each chunk checked soon after it arrives. */
const HASH_JOB_BYTES = 1024 * 1024;
/** Room past the request size, for the chunk that crosses it (the default maximum chunk size). */
const SLAB_SLACK = 256 * 1024;

interface Received {
  chunks: PlannedChunk[];
  views: Uint8Array[];
  /** The shared block the views are in (a chunk the server sent at another size has a buffer of its own). */
  slab: SharedArrayBuffer | undefined;
}

/**
 * Downloads a known sequence of chunks in order, many per request
 * (`POST /blobs/unpack`), a few requests ahead of the reader. Each request's
 * chunks are copied straight into one block of shared memory, reused once
 * the reader releases it, where threads of `hashPool` (else this thread)
 * re-hash them as they arrive; a request's chunks are handed out only once
 * every one of them matched its digest. A chunk that did not is never handed
 * out.
 */
export class ChunkPrefetch {
  private readonly requests: PlannedChunk[][] = [];
  private readonly inFlight: Promise<Received>[] = [];
  private nextRequest = 0;
  private current: Received | undefined;
  private at = 0;
  /** Fully handed out, but perhaps still being written by the reader. */
  private readonly handedOut: Received[] = [];
  private readonly freeSlabs: SharedArrayBuffer[] = [];
  private readonly concurrency: number;
  private readonly slabBytes: number;
  private readonly hashPool: HashWorkerPool | undefined;
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
    this.slabBytes = limit + SLAB_SLACK;
    this.hashPool = options.hashPool;
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

  /**
   * The next planned chunk's verified bytes; `digest` must be the one planned
   * next. The bytes may be a view of memory that is reused after `release`.
   */
  async next(digest: string): Promise<Uint8Array> {
    if (!this.current || this.at >= this.current.chunks.length) {
      if (this.current) this.handedOut.push(this.current);
      this.current = undefined;
      this.fill();
      const request = this.inFlight.shift();
      if (!request) throw new Error(`Chunk ${digest} was not planned for download`);
      this.current = await request;
      this.at = 0;
      this.fill();
    }
    const k = this.at;
    if (this.current.chunks[k]?.digest !== digest) {
      throw new Error(`Chunk ${digest} was asked for out of the planned order`);
    }
    this.at++;
    const bytes = this.current.views[k] as Uint8Array;
    this.current.views[k] = undefined as never;
    return bytes;
  }

  /** The reader no longer holds any bytes handed out so far: their memory may be reused. */
  release(): void {
    for (const done of this.handedOut.splice(0)) this.recycle(done);
    if (this.current && this.at >= this.current.chunks.length) this.recycle(this.current);
  }

  /** Stops requests still running (after a failure elsewhere). */
  close(): void {
    this.abort.abort();
    for (const request of this.inFlight) request.catch(() => undefined);
  }

  private recycle(done: Received): void {
    if (done.slab?.byteLength === this.slabBytes) this.freeSlabs.push(done.slab);
    done.slab = undefined;
  }

  private fill(): void {
    while (this.inFlight.length < this.concurrency && this.nextRequest < this.requests.length) {
      const request = this.fetchVerified(this.requests[this.nextRequest++] as PlannedChunk[]);
      request.catch(() => undefined);
      this.inFlight.push(request);
    }
  }

  /** Shared memory for `bytes` of chunks: a free block, else a new one (exact when small). */
  private slabFor(bytes: number): SharedArrayBuffer | undefined {
    if (bytes === 0) return undefined;
    if (bytes <= this.slabBytes) {
      const free = this.freeSlabs.pop();
      if (free) return free;
      if (bytes > this.slabBytes - SLAB_SLACK) return new SharedArrayBuffer(this.slabBytes);
    }
    return new SharedArrayBuffer(bytes);
  }

  private async fetchVerified(chunks: PlannedChunk[]): Promise<Received> {
    const offsets = new Array<number>(chunks.length);
    let total = 0;
    for (let k = 0; k < chunks.length; k++) {
      offsets[k] = total;
      total += (chunks[k] as PlannedChunk).size;
    }
    const slab = this.slabFor(total);
    const pool = this.hashPool;
    // A chunk is copied straight into its place, if the server sends the size planned.
    const place = (digest: string, size: number, k: number) => {
      const want = chunks[k];
      if (!slab || want?.digest !== digest || want.size !== size) return undefined;
      return new Uint8Array(slab, offsets[k], size);
    };
    for (let attempt = 1; ; attempt++) {
      const views = new Array<Uint8Array>(chunks.length);
      const checks: Promise<void>[] = [];
      let count = 0;
      let batchFrom = 0;
      let batchBytes = 0;
      const check = (to: number) => {
        if (pool && slab && to > batchFrom) {
          const checking = checkInPool(pool, slab, chunks, views, batchFrom, to);
          // Awaited in order below; a later batch may fail while an earlier one is awaited.
          checking.catch(() => undefined);
          checks.push(checking);
        }
        batchFrom = to;
        batchBytes = 0;
      };
      try {
        count = await receivePack(
          this.http,
          chunks.map((c) => c.digest),
          (entry, k) => {
            const want = chunks[k];
            if (entry.digest !== want?.digest) {
              throw new ChunkFetchError(
                want?.digest ?? entry.digest,
                false,
                `the server sent ${entry.digest} where ${want?.digest ?? "nothing"} was expected`,
              );
            }
            views[k] = entry.bytes;
            count = k + 1;
            if (!pool || entry.bytes.buffer !== slab) {
              check(k);
              checkHere(entry.digest, entry.bytes);
              batchFrom = k + 1;
              return;
            }
            batchBytes += entry.bytes.byteLength;
            if (batchBytes >= HASH_JOB_BYTES) check(k + 1);
          },
          { place, signal: this.abort.signal },
        );
        check(count);
        if (count !== chunks.length) {
          throw new LockstepApiError(0, "UNAVAILABLE", "the server's pack ended early");
        }
        // In order, so a corrupt chunk is named as the first one, as it would be on one thread.
        for (const c of checks) await c;
        this.downloadedChunks += count;
        this.downloadedBytes += total;
        return { chunks, views, slab };
      } catch (error) {
        // Threads may still be reading the block: it is not refilled until they are done.
        await Promise.allSettled(checks);
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
        if (error instanceof ChunkFetchError) {
          // A corrupt chunk found on this thread may come after one a hashing thread found.
          for (const c of checks) await c;
          throw error;
        }
        const failed = chunks[count]?.digest ?? (chunks[0] as PlannedChunk).digest;
        const reason = error instanceof Error ? error.message : String(error);
        throw new ChunkFetchError(failed, false, reason, { cause: error });
      }
    }
  }
}

/** Verifies chunks `from` to `to` (all in `slab`) on a hashing thread. */
async function checkInPool(
  pool: HashWorkerPool,
  slab: SharedArrayBuffer,
  chunks: PlannedChunk[],
  views: Uint8Array[],
  from: number,
  to: number,
): Promise<void> {
  const ranges: number[] = [];
  const digests: string[] = [];
  for (let k = from; k < to; k++) {
    const view = views[k] as Uint8Array;
    ranges.push(view.byteOffset, view.byteLength);
    digests.push((chunks[k] as PlannedChunk).digest);
  }
  let checked: HashCheck;
  try {
    checked = await pool.check(slab, ranges, digests);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ChunkFetchError(digests[0] as string, false, reason, { cause: error });
  }
  if (checked.bad >= 0) {
    throw new ChunkFetchError(
      digests[checked.bad] as string,
      true,
      `its bytes hash to ${checked.actual}; refusing to write it`,
    );
  }
}

function checkHere(digest: string, bytes: Uint8Array): void {
  const actual = sha256(bytes);
  if (actual !== digest) {
    throw new ChunkFetchError(digest, true, `its bytes hash to ${actual}; refusing to write it`);
  }
}
