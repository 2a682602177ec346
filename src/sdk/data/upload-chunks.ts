import { type FileHandle, open } from "node:fs/promises";
import type { ChunkLocation } from "../../blobs/manifest/build-manifest.js";
import {
  PACK_END,
  PACK_FRAME_HEADER_BYTES,
  PACK_MAGIC,
  packFrameHeader,
} from "../../blobs/pack/pack-codec.js";
import { missingBlobs } from "../api-datasets.js";
import type { HttpClient } from "../http-client.js";
import { LockstepApiError } from "../lockstep-api-error.js";
import { backoffDelay, sleep } from "../retry-policy.js";
import { postEncodedPack } from "./blob-packs-api.js";
import { Semaphore } from "./semaphore.js";

export interface UploadChunksOptions {
  /** Packs in flight at once. Default is 3. */
  concurrency?: number;
  /** Bytes per pack. Default is 16 MiB: the server's cost per pack (a file, an index commit, two durability barriers) is then small beside its bytes. */
  packBytes?: number;
  /** Called as packs land with the bytes uploaded so far. */
  onProgress?: (bytesDone: number) => void;
  /** Called as the server answers which chunks it lacks, with the running totals. */
  onMissing?: (missing: { chunks: number; bytes: number }) => void;
}

export interface UploadTotals {
  chunks: number;
  bytes: number;
}

const ATTEMPTS = 4;
const DEFAULT_PACK_BYTES = 16 * 1024 * 1024;
/** Buffers per readv (IOV_MAX on Linux is 1024). */
const READV_MAX = 1024;
/** Digests gathered before asking the server which it lacks. */
const QUERY_BATCH = 1024;

interface Job {
  digest: string;
  where: ChunkLocation;
}

/**
 * Uploads chunks as they are found: digests are gathered into batches for
 * `POST /blobs/missing`, and the chunks the server lacks are read back from
 * their files into packs of a few MB sent a few at a time
 * (`POST /blobs/pack`), so the server stores each pack with one durability
 * barrier. Runs alongside the chunking that feeds it. Chunks are not
 * re-hashed here: the server refuses bytes that do not match their digest,
 * which is reported as the file having changed.
 */
export class ChunkUploader {
  private readonly seen = new Set<string>();
  private candidates: Job[] = [];
  private packing: Job[] = [];
  private packingBytes = 0;
  private readonly tasks = new Set<Promise<void>>();
  private readonly queries: Semaphore = new Semaphore(1);
  private readonly packs: Semaphore;
  private failure: unknown;
  private readonly missing = { chunks: 0, bytes: 0 };
  /** Pack bodies whose requests are done, for reuse. */
  private readonly bodies: Buffer[] = [];
  private readonly done = { chunks: 0, bytes: 0 };

  constructor(
    private readonly http: HttpClient,
    private readonly options: UploadChunksOptions = {},
  ) {
    this.packs = new Semaphore(options.concurrency ?? 3);
  }

  /** Offers chunks of the file at `absPath`; those offered before are ignored. */
  offer(absPath: string, chunks: readonly { digest: string; offset: number; size: number }[]) {
    for (const c of chunks) {
      if (this.seen.has(c.digest)) continue;
      this.seen.add(c.digest);
      this.candidates.push({
        digest: c.digest,
        where: { absPath, offset: c.offset, size: c.size },
      });
    }
    if (this.candidates.length >= QUERY_BATCH) this.query();
  }

  /** Sends everything still queued and waits for all of it; throws the first failure. */
  async finish(): Promise<UploadTotals> {
    this.query();
    await this.settle();
    this.sendPack();
    await this.settle();
    if (this.failure !== undefined) throw this.failure;
    return { ...this.done };
  }

  /** Stops sending more and waits for requests in flight (after a failed build). */
  async abandon(): Promise<void> {
    this.failure ??= new Error("upload abandoned");
    await this.settle();
  }

  private async settle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  private track(task: Promise<void>): void {
    const guarded = task.catch((error) => {
      this.failure ??= error;
    });
    this.tasks.add(guarded);
    guarded.finally(() => this.tasks.delete(guarded));
  }

  private query(): void {
    if (this.candidates.length === 0 || this.failure !== undefined) return;
    const batch = this.candidates;
    this.candidates = [];
    this.track(
      this.queries.run(async () => {
        if (this.failure !== undefined) return;
        const lacking = new Set(
          await missingBlobs(
            this.http,
            batch.map((j) => j.digest),
          ),
        );
        for (const job of batch) {
          if (!lacking.has(job.digest)) continue;
          this.missing.chunks++;
          this.missing.bytes += job.where.size;
          this.packing.push(job);
          this.packingBytes += job.where.size;
          if (this.packingBytes >= (this.options.packBytes ?? DEFAULT_PACK_BYTES)) this.sendPack();
        }
        this.options.onMissing?.({ ...this.missing });
      }),
    );
  }

  private sendPack(): void {
    if (this.packing.length === 0 || this.failure !== undefined) return;
    const jobs = this.packing;
    this.packing = [];
    this.packingBytes = 0;
    this.track(
      this.packs.run(async () => {
        if (this.failure !== undefined) return;
        const size = packBodySize(jobs);
        let buffer = this.bodies.pop();
        if (!buffer || buffer.byteLength < size) buffer = Buffer.allocUnsafe(size);
        const body = buffer.subarray(0, size);
        await readPackBody(jobs, body);
        await postWithRetry(this.http, body, jobs);
        // Sent and answered: the next pack may fill it (a fresh 16 MiB buffer costs page faults and GC).
        this.bodies.push(buffer);
        for (const job of jobs) {
          this.done.chunks++;
          this.done.bytes += job.where.size;
        }
        this.options.onProgress?.(this.done.bytes);
      }),
    );
  }
}

/**
 * Uploads the given chunks of a built manifest (all of them missing, as far
 * as the caller knows; the server skips any it holds).
 */
export async function uploadChunks(
  http: HttpClient,
  chunks: ReadonlyMap<string, ChunkLocation>,
  digests: readonly string[],
  options: UploadChunksOptions = {},
): Promise<UploadTotals> {
  const uploader = new ChunkUploader(http, options);
  for (const digest of digests) {
    const where = chunks.get(digest);
    if (!where) throw new Error(`Chunk ${digest} is not part of this manifest`);
    uploader.offer(where.absPath, [{ digest, offset: where.offset, size: where.size }]);
  }
  return uploader.finish();
}

function packBodySize(jobs: Job[]): number {
  let total = PACK_MAGIC.length + PACK_END.length;
  for (const { where } of jobs) total += PACK_FRAME_HEADER_BYTES + where.size;
  return total;
}

/**
 * Encodes the chunks' pack into `body` (of packBodySize bytes): frame headers
 * written in place and each chunk read from its file straight into its slot,
 * a run of adjacent chunks with one readv, so no chunk is copied or allocated
 * on its own.
 */
async function readPackBody(jobs: Job[], body: Buffer): Promise<void> {
  let at = PACK_MAGIC.copy(body, 0);
  const slots: Buffer[] = [];
  for (const { digest, where } of jobs) {
    at += packFrameHeader(digest, where.size).copy(body, at);
    slots.push(body.subarray(at, at + where.size));
    at += where.size;
  }
  PACK_END.copy(body, at);
  let handle: FileHandle | undefined;
  let openPath: string | undefined;
  try {
    for (let first = 0; first < jobs.length; ) {
      const start = (jobs[first] as Job).where;
      let last = first + 1;
      let end = start.offset + start.size;
      while (last < jobs.length && last - first < READV_MAX) {
        const next = (jobs[last] as Job).where;
        if (next.absPath !== start.absPath || next.offset !== end) break;
        end += next.size;
        last++;
      }
      if (!handle || start.absPath !== openPath) {
        await handle?.close();
        handle = undefined;
        handle = await open(start.absPath, "r");
        openPath = start.absPath;
      }
      const { bytesRead } = await handle.readv(slots.slice(first, last), start.offset);
      if (bytesRead !== end - start.offset) {
        throw new Error(`File changed since it was read: ${start.absPath}`);
      }
      first = last;
    }
  } finally {
    await handle?.close();
  }
}

async function postWithRetry(http: HttpClient, body: Buffer, jobs: Job[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await postEncodedPack(http, body);
      return;
    } catch (error) {
      if (error instanceof LockstepApiError && error.status === 400) {
        const culprit = /expected (sha256:[0-9a-f]{64})/.exec(error.message)?.[1];
        const file =
          jobs.find((j) => j.digest === culprit)?.where.absPath ?? jobs[0]?.where.absPath;
        throw new Error(`File changed since it was read: ${file} (${error.message})`, {
          cause: error,
        });
      }
      if (!(error instanceof LockstepApiError) || !error.retryable || attempt >= ATTEMPTS) {
        throw error;
      }
      await sleep(backoffDelay(attempt));
    }
  }
}
