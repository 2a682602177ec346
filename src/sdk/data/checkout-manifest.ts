import { randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ChunkWorkerPool } from "../../blobs/chunking/chunk-worker-pool.js";
import type { Manifest, ManifestFile } from "../../blobs/manifest/manifest-types.js";
import { getBlob } from "../api-datasets.js";
import type { HttpClient } from "../http-client.js";
import { LockstepApiError } from "../lockstep-api-error.js";
import { backoffDelay, sleep } from "../retry-policy.js";
import { LocalChunks, sameFile, sha256 } from "./local-chunks.js";
import { Semaphore } from "./semaphore.js";

export interface CheckoutOptions {
  /** Folders holding another checkout of (perhaps another version of) the same data. */
  localSources?: string[];
  /** Downloads in flight at once. Default is 16. */
  concurrency?: number;
  onProgress?: (progress: { bytesDone: number; bytesTotal: number }) => void;
}

export interface CheckoutResult {
  files: number;
  /** Files already present with the right bytes and mode, left alone. */
  unchanged: number;
  downloadedChunks: number;
  downloadedBytes: number;
}

const FILES_AT_ONCE = 4;
/** Chunks of one file fetched ahead of the one being written. */
const WINDOW = 32;
/** Writes are gathered up to this size to save system calls. */
const WRITE_BATCH = 4 * 1024 * 1024;
const POOL_WORTHY = 4 * 1024 * 1024;

/**
 * Writes a manifest's files under `dir`: each file to a temp name beside it,
 * then renamed into place with its mode, so a reader never sees half a file.
 * Every chunk is re-hashed before it is written, whether downloaded or read
 * from a local copy; a corrupt one stops the checkout with an error naming
 * the chunk and the file. Files already present and identical are left alone.
 */
export async function checkoutManifest(
  http: HttpClient,
  manifest: Manifest,
  dir: string,
  options: CheckoutOptions = {},
): Promise<CheckoutResult> {
  await mkdir(dir, { recursive: true });
  const needsPool = manifest.files.some((f) => f.size > POOL_WORTHY);
  const pool = needsPool ? new ChunkWorkerPool() : undefined;
  const local = new LocalChunks(manifest.chunker, pool);
  const ctx: Context = {
    http,
    local,
    net: new Semaphore(options.concurrency ?? 16),
    inFlight: new Map(),
    result: { files: manifest.files.length, unchanged: 0, downloadedChunks: 0, downloadedBytes: 0 },
    bytesDone: 0,
    bytesTotal: manifest.files.reduce((sum, f) => sum + f.size, 0),
    onProgress: options.onProgress,
  };
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < manifest.files.length && !failed) {
      const file = manifest.files[next++] as ManifestFile;
      try {
        await checkoutFile(ctx, file, dir, options.localSources ?? []);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: FILES_AT_ONCE }, worker));
  } finally {
    await local.close();
    await pool?.close();
  }
  options.onProgress?.({ bytesDone: ctx.bytesTotal, bytesTotal: ctx.bytesTotal });
  return ctx.result;
}

interface Context {
  http: HttpClient;
  local: LocalChunks;
  net: Semaphore;
  /** Downloads under way, shared so a chunk repeated nearby is fetched once. */
  inFlight: Map<string, Promise<Uint8Array>>;
  result: CheckoutResult;
  bytesDone: number;
  bytesTotal: number;
  onProgress: CheckoutOptions["onProgress"];
}

async function checkoutFile(
  ctx: Context,
  file: ManifestFile,
  dir: string,
  localSources: string[],
): Promise<void> {
  const target = join(dir, ...file.path.split("/"));
  const existing = await ctx.local.scan(target);
  if (existing && sameFile(existing, file)) {
    ctx.result.unchanged++;
    advance(ctx, file.size);
    return;
  }
  for (const root of localSources) await ctx.local.scan(join(root, ...file.path.split("/")));
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
  const ahead: Promise<Uint8Array>[] = [];
  let batch: Uint8Array[] = [];
  let batched = 0;
  let position = 0;
  const flush = async () => {
    if (batched === 0) return;
    await writeAll(handle, batch, position);
    position += batched;
    advance(ctx, batched);
    batch = [];
    batched = 0;
  };
  for (let k = 0; k < file.chunks.length || ahead.length > 0; ) {
    while (k < file.chunks.length && ahead.length < WINDOW) {
      const promise = chunkBytes(ctx, file, file.chunks[k++]?.digest as string);
      promise.catch(() => undefined);
      ahead.push(promise);
    }
    const bytes = await (ahead.shift() as Promise<Uint8Array>);
    batch.push(bytes);
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

/** A chunk's verified bytes, from a local copy if one has it, else from the server. */
async function chunkBytes(ctx: Context, file: ManifestFile, digest: string): Promise<Uint8Array> {
  if (ctx.local.has(digest)) {
    const bytes = await ctx.local.read(digest);
    if (bytes) return bytes;
  }
  let download = ctx.inFlight.get(digest);
  if (!download) {
    download = ctx.net.run(() => downloadChunk(ctx, file, digest));
    ctx.inFlight.set(digest, download);
    const forget = () => ctx.inFlight.delete(digest);
    download.then(forget, forget);
  }
  return download;
}

async function downloadChunk(
  ctx: Context,
  file: ManifestFile,
  digest: string,
): Promise<Uint8Array> {
  const where = `chunk ${digest} of file ${JSON.stringify(file.path)}`;
  for (let attempt = 1; ; attempt++) {
    let bytes: Uint8Array;
    try {
      bytes = await getBlob(ctx.http, digest);
    } catch (error) {
      const retry =
        error instanceof LockstepApiError && error.retryable && error.status !== 500 && attempt < 3;
      if (retry) {
        await sleep(backoffDelay(attempt));
        continue;
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Cannot download ${where}: ${reason}`, { cause: error });
    }
    const actual = sha256(bytes);
    if (actual !== digest) {
      throw new Error(`Corrupt ${where}: its bytes hash to ${actual}; refusing to write it`);
    }
    ctx.result.downloadedChunks++;
    ctx.result.downloadedBytes += bytes.length;
    return bytes;
  }
}

function advance(ctx: Context, bytes: number): void {
  ctx.bytesDone += bytes;
  ctx.onProgress?.({ bytesDone: ctx.bytesDone, bytesTotal: ctx.bytesTotal });
}
