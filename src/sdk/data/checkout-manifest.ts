import { randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, rename, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, dirname, join } from "node:path";
import { ChunkWorkerPool } from "../../blobs/chunking/chunk-worker-pool.js";
import type { Manifest, ManifestFile } from "../../blobs/manifest/manifest-types.js";
import type { HttpClient } from "../http-client.js";
import { ChunkFetchError, ChunkPrefetch, type PlannedChunk } from "./chunk-prefetch.js";
import { HashWorkerPool } from "./hash-worker-pool.js";
import { LocalChunks, sameFile } from "./local-chunks.js";

export interface CheckoutOptions {
  /** Folders holding another checkout of (perhaps another version of) the same data. */
  localSources?: string[];
  /** Download requests in flight at once. Default is 3. */
  concurrency?: number;
  /** Bytes of chunks asked for per download request. Default is 8 MiB. */
  requestBytes?: number;
  /**
   * Threads that verify downloaded chunks. Default is one per core when
   * there is enough to download to be worth starting them, else none (0:
   * this thread hashes them between writes).
   */
  hashThreads?: number;
  onProgress?: (progress: { bytesDone: number; bytesTotal: number }) => void;
}

export interface CheckoutResult {
  files: number;
  /** Files already present with the right bytes and mode, left alone. */
  unchanged: number;
  downloadedChunks: number;
  downloadedBytes: number;
}

/** Existing files chunked at once while looking for chunks already here. */
const SCANS_AT_ONCE = 4;
/** Writes are gathered up to this size to save system calls. */
const WRITE_BATCH = 8 * 1024 * 1024;
const POOL_WORTHY = 4 * 1024 * 1024;
/** Downloads smaller than this are hashed on this thread sooner than threads could start. */
const HASH_POOL_WORTHY = 32 * 1024 * 1024;

/**
 * Writes a manifest's files under `dir`: each file to a temp name beside it,
 * then renamed into place with its mode, so a reader never sees half a file.
 * First every target and local source is scanned for chunks already on this
 * machine; the rest are then downloaded in manifest order, many per request
 * and a few requests ahead, while the files are written one after another
 * in large writes. Every chunk is re-hashed before it is written, whether
 * downloaded or read from a local copy; a corrupt one stops the checkout
 * with an error naming the chunk and the file. Files already present and
 * identical are left alone.
 */
export async function checkoutManifest(
  http: HttpClient,
  manifest: Manifest,
  dir: string,
  options: CheckoutOptions = {},
): Promise<CheckoutResult> {
  await mkdir(dir, { recursive: true });
  // Worker threads only if an existing large file really has to be chunked.
  const needsPool = manifest.files.some((f) => f.size > POOL_WORTHY);
  let pool: ChunkWorkerPool | undefined;
  const local = new LocalChunks(manifest.chunker, () => {
    if (needsPool) pool ??= new ChunkWorkerPool();
    return pool;
  });
  const result: CheckoutResult = {
    files: manifest.files.length,
    unchanged: 0,
    downloadedChunks: 0,
    downloadedBytes: 0,
  };
  const progress = {
    done: 0,
    total: manifest.files.reduce((sum, f) => sum + f.size, 0),
    advance(bytes: number) {
      this.done += bytes;
      options.onProgress?.({ bytesDone: this.done, bytesTotal: this.total });
    },
  };
  let prefetch: ChunkPrefetch | undefined;
  let hashPool: HashWorkerPool | undefined;
  try {
    const toWrite = await scanTargets(manifest, dir, options.localSources ?? [], local);
    result.unchanged = manifest.files.length - toWrite.length;
    const writing = new Set(toWrite);
    progress.advance(
      manifest.files.filter((f) => !writing.has(f)).reduce((sum, f) => sum + f.size, 0),
    );
    const plan = planDownloads(toWrite, local);
    const planned = plan.chunks.reduce((sum, c) => sum + c.size, 0);
    const threads =
      options.hashThreads ?? (planned >= HASH_POOL_WORTHY ? availableParallelism() : 0);
    if (threads > 0 && planned > 0) hashPool = new HashWorkerPool(threads);
    prefetch = new ChunkPrefetch(http, plan.chunks, {
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.requestBytes !== undefined ? { requestBytes: options.requestBytes } : {}),
      ...(hashPool ? { hashPool } : {}),
    });
    const ctx: Context = { http, local, prefetch, firstFile: plan.firstFile, progress };
    for (const file of toWrite) await writeFile(ctx, file, dir);
    result.downloadedChunks = prefetch.downloadedChunks;
    result.downloadedBytes = prefetch.downloadedBytes;
  } finally {
    prefetch?.close();
    await local.close();
    await pool?.close();
    await hashPool?.close();
  }
  options.onProgress?.({ bytesDone: progress.total, bytesTotal: progress.total });
  return result;
}

interface Context {
  http: HttpClient;
  local: LocalChunks;
  prefetch: ChunkPrefetch;
  /** Each planned chunk's first file, to name it in errors. */
  firstFile: Map<string, string>;
  progress: { advance(bytes: number): void };
}

/** The files to write: all but those already present with the same bytes and mode. */
async function scanTargets(
  manifest: Manifest,
  dir: string,
  localSources: string[],
  local: LocalChunks,
): Promise<ManifestFile[]> {
  const keep = new Array<boolean>(manifest.files.length).fill(true);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < manifest.files.length && !failed) {
      const index = next++;
      const file = manifest.files[index] as ManifestFile;
      const parts = file.path.split("/");
      try {
        const existing = await local.scan(join(dir, ...parts));
        if (existing && sameFile(existing, file)) {
          keep[index] = false;
          continue;
        }
        for (const root of localSources) await local.scan(join(root, ...parts));
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: SCANS_AT_ONCE }, worker));
  return manifest.files.filter((_, k) => keep[k]);
}

/**
 * The chunks to download, in the order the files will be written, each once:
 * a chunk repeated later is read back from the file written first (or held
 * while its own file is being written).
 */
function planDownloads(
  files: ManifestFile[],
  local: LocalChunks,
): { chunks: PlannedChunk[]; firstFile: Map<string, string> } {
  const chunks: PlannedChunk[] = [];
  const firstFile = new Map<string, string>();
  for (const file of files) {
    for (const c of file.chunks) {
      if (firstFile.has(c.digest) || local.has(c.digest)) continue;
      firstFile.set(c.digest, file.path);
      chunks.push(c);
    }
  }
  return { chunks, firstFile };
}

async function writeFile(ctx: Context, file: ManifestFile, dir: string): Promise<void> {
  const target = join(dir, ...file.path.split("/"));
  await mkdir(dirname(target), { recursive: true });
  const temp = join(
    dirname(target),
    `.${basename(target)}.lockstep-${randomBytes(6).toString("hex")}.tmp`,
  );
  const handle = await open(temp, "wx", 0o600);
  try {
    await writeChunks(ctx, file, handle);
    await handle.chmod(file.mode);
    await handle.close();
    await rename(temp, target);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  ctx.local.remember(target, file);
}

async function writeChunks(ctx: Context, file: ManifestFile, handle: FileHandle): Promise<void> {
  // Chunks used again later in this same file are held (copied) until their last use.
  const usesLeft = new Map<string, number>();
  for (const c of file.chunks) usesLeft.set(c.digest, (usesLeft.get(c.digest) ?? 0) + 1);
  const held = new Map<string, Uint8Array>();
  let batch: Uint8Array[] = [];
  let batched = 0;
  let position = 0;
  const flush = async () => {
    if (batched === 0) return;
    await writeAll(handle, batch, position);
    position += batched;
    ctx.progress.advance(batched);
    batch = [];
    batched = 0;
    // Nothing downloaded so far is referenced any more.
    ctx.prefetch.release();
  };
  for (const { digest } of file.chunks) {
    const bytes = held.get(digest) ?? (await chunkBytes(ctx, file, digest));
    const left = (usesLeft.get(digest) ?? 1) - 1;
    usesLeft.set(digest, left);
    if (left > 0) held.set(digest, held.get(digest) ?? bytes.slice());
    else held.delete(digest);
    const last = batch[batch.length - 1];
    if (
      last &&
      last.buffer === bytes.buffer &&
      last.byteOffset + last.byteLength === bytes.byteOffset
    ) {
      // Neighbours in one download block: one write for both.
      batch[batch.length - 1] = new Uint8Array(
        last.buffer,
        last.byteOffset,
        last.byteLength + bytes.byteLength,
      );
    } else batch.push(bytes);
    batched += bytes.length;
    if (batched >= WRITE_BATCH) await flush();
  }
  await flush();
}

async function writeAll(
  handle: FileHandle,
  buffers: Uint8Array[],
  position: number,
): Promise<void> {
  let at = position;
  let rest = buffers;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest, at);
    at += bytesWritten;
    let skip = bytesWritten;
    const left: Uint8Array[] = [];
    for (const b of rest) {
      if (skip >= b.length) skip -= b.length;
      else {
        left.push(skip > 0 ? b.subarray(skip) : b);
        skip = 0;
      }
    }
    rest = left;
  }
}

/** A chunk's verified bytes: from a local copy if one still has it, else from the download stream. */
async function chunkBytes(ctx: Context, file: ManifestFile, digest: string): Promise<Uint8Array> {
  const planned = ctx.firstFile.get(digest) === file.path;
  if (!planned) {
    const bytes = await ctx.local.read(digest);
    if (bytes) return bytes;
  }
  try {
    if (planned) return await ctx.prefetch.next(digest);
    // The local copy changed since it was scanned: fetch this one chunk on its own.
    const lone = new ChunkPrefetch(ctx.http, [{ digest, size: 0 }], { concurrency: 1 });
    const bytes = await lone.next(digest);
    ctx.prefetch.downloadedChunks += 1;
    ctx.prefetch.downloadedBytes += bytes.byteLength;
    return bytes;
  } catch (error) {
    if (!(error instanceof ChunkFetchError)) throw error;
    const where = `chunk ${error.digest} of file ${JSON.stringify(ctx.firstFile.get(error.digest) ?? file.path)}`;
    throw new Error(
      error.corrupt
        ? `Corrupt ${where}: ${error.message}`
        : `Cannot download ${where}: ${error.message}`,
      { cause: error },
    );
  }
}
