import { type FileHandle, open } from "node:fs/promises";
import type { ChunkLocation } from "../../blobs/manifest/build-manifest.js";
import { missingBlobs } from "../api-datasets.js";
import type { HttpClient } from "../http-client.js";
import { LockstepApiError } from "../lockstep-api-error.js";
import { backoffDelay, sleep } from "../retry-policy.js";
import { postPack } from "./blob-packs-api.js";
import { Semaphore } from "./semaphore.js";

export interface UploadChunksOptions {
  /** Packs in flight at once. Default is 3. */
  concurrency?: number;
  /** Bytes per pack. Default is 4 MiB. */
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
          if (this.packingBytes >= (this.options.packBytes ?? 4 * 1024 * 1024)) this.sendPack();
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
        const body = await readPack(jobs);
        await postWithRetry(this.http, body, jobs);
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

/** The chunks' bytes read back from their files, each file opened once. */
async function readPack(jobs: Job[]): Promise<{ digest: string; bytes: Uint8Array }[]> {
  const out: { digest: string; bytes: Uint8Array }[] = [];
  let handle: FileHandle | undefined;
  let openPath: string | undefined;
  try {
    for (const { digest, where } of jobs) {
      if (!handle || where.absPath !== openPath) {
        await handle?.close();
        handle = undefined;
        handle = await open(where.absPath, "r");
        openPath = where.absPath;
      }
      const bytes = new Uint8Array(where.size);
      const { bytesRead } = await handle.read(bytes, 0, where.size, where.offset);
      if (bytesRead !== where.size) {
        throw new Error(`File changed since it was read: ${where.absPath}`);
      }
      out.push({ digest, bytes });
    }
  } finally {
    await handle?.close();
  }
  return out;
}

async function postWithRetry(
  http: HttpClient,
  entries: { digest: string; bytes: Uint8Array }[],
  jobs: Job[],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await postPack(http, entries);
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
