import { type FileHandle, open } from "node:fs/promises";
import type { ChunkLocation } from "../../blobs/manifest/build-manifest.js";
import { putBlob } from "../api-datasets.js";
import type { HttpClient } from "../http-client.js";
import { LockstepApiError } from "../lockstep-api-error.js";
import { backoffDelay, sleep } from "../retry-policy.js";

export interface UploadChunksOptions {
  /** PUTs in flight at once. Default is 16. */
  concurrency?: number;
  /** Called after each chunk with the bytes uploaded so far. */
  onProgress?: (bytesDone: number) => void;
}

const ATTEMPTS = 4;

/**
 * Uploads the given chunks, reading each from where the manifest builder
 * found it. Chunks go in file order so each file is opened once and read
 * front to back. Not re-hashed here: the server refuses bytes that do not
 * match their digest, which is reported as the file having changed.
 */
export async function uploadChunks(
  http: HttpClient,
  chunks: ReadonlyMap<string, ChunkLocation>,
  digests: readonly string[],
  options: UploadChunksOptions = {},
): Promise<{ chunks: number; bytes: number }> {
  const jobs = digests.map((digest) => {
    const where = chunks.get(digest);
    if (!where) throw new Error(`Chunk ${digest} is not part of this manifest`);
    return { digest, where };
  });
  jobs.sort((a, b) =>
    a.where.absPath === b.where.absPath
      ? a.where.offset - b.where.offset
      : a.where.absPath < b.where.absPath
        ? -1
        : 1,
  );
  const files = new FileHandles(jobs.map((j) => j.where.absPath));
  let next = 0;
  let bytes = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !failed) {
      const job = jobs[next++] as (typeof jobs)[number];
      try {
        const data = await files.read(job.where);
        await putWithRetry(http, job.digest, data, job.where.absPath);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        await files.done(job.where.absPath);
      }
      bytes += job.where.size;
      options.onProgress?.(bytes);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  } finally {
    await files.closeAll();
  }
  return { chunks: jobs.length, bytes };
}

async function putWithRetry(
  http: HttpClient,
  digest: string,
  data: Uint8Array,
  absPath: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await putBlob(http, digest, data);
      return;
    } catch (error) {
      if (error instanceof LockstepApiError && error.status === 400) {
        throw new Error(`File changed since it was read: ${absPath} (${error.message})`, {
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

/** Open files, each closed once its last chunk was read. */
class FileHandles {
  private readonly open = new Map<string, Promise<FileHandle>>();
  private readonly remaining = new Map<string, number>();

  constructor(paths: string[]) {
    for (const path of paths) this.remaining.set(path, (this.remaining.get(path) ?? 0) + 1);
  }

  async read(where: ChunkLocation): Promise<Uint8Array> {
    let handle = this.open.get(where.absPath);
    if (!handle) {
      handle = open(where.absPath, "r");
      handle.catch(() => undefined);
      this.open.set(where.absPath, handle);
    }
    const bytes = new Uint8Array(where.size);
    const { bytesRead } = await (await handle).read(bytes, 0, where.size, where.offset);
    if (bytesRead !== where.size)
      throw new Error(`File changed since it was read: ${where.absPath}`);
    return bytes;
  }

  async done(path: string): Promise<void> {
    const left = (this.remaining.get(path) ?? 1) - 1;
    this.remaining.set(path, left);
    if (left > 0) return;
    const handle = this.open.get(path);
    this.open.delete(path);
    await handle?.then((h) => h.close()).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const handles = [...this.open.values()];
    this.open.clear();
    await Promise.all(handles.map((h) => h.then((x) => x.close()).catch(() => undefined)));
  }
}
