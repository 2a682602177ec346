import { type Stats, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { chunkFile, type FileChunk } from "../chunking/chunk-file.js";
import { ChunkWorkerPool } from "../chunking/chunk-worker-pool.js";
import { type ChunkerParams, DEFAULT_CHUNKER_PARAMS } from "../chunking/chunker-params.js";
import { digestOf } from "../digest.js";
import { fsError, listSourceFiles, type SourceFile } from "./list-source-files.js";
import { manifestDigest } from "./manifest-codec.js";
import { MANIFEST_FORMAT, type Manifest, type ManifestFile } from "./manifest-types.js";
import { contentKey, StatCache } from "./stat-cache.js";

/** Where a chunk's bytes can be read back for upload. */
export interface ChunkLocation {
  absPath: string;
  offset: number;
  size: number;
}

export interface BuiltManifest {
  manifest: Manifest;
  /** The version digest. */
  digest: string;
  /** Every distinct chunk once, with one place its bytes are. */
  chunks: Map<string, ChunkLocation>;
  /** A chunk's bytes, re-hashed: throws if the file changed since it was chunked. */
  readChunk(digest: string): Promise<Uint8Array>;
}

export interface BuildProgress {
  path: string;
  bytesDone: number;
  size: number;
}

export interface BuildManifestOptions {
  /** Default is DEFAULT_CHUNKER_PARAMS. */
  params?: ChunkerParams;
  /** Default is a pool made for this build when a file is large enough to need it. */
  pool?: ChunkWorkerPool;
  /** Per-file bytes chunked so far, for progress bars. */
  onProgress?: (progress: BuildProgress) => void;
  /** A stat cache file to record the files' stats in, for a fast status later. */
  statCachePath?: string;
  /** Each run of a file's chunks as soon as it is known, so uploads can start before the end. */
  onChunks?: (absPath: string, chunks: FileChunk[]) => void;
}

const FILES_AT_ONCE = 4;
const POOL_WORTHY = 4 * 1024 * 1024;

/**
 * Chunks and hashes a file (recorded under its basename) or a folder
 * (recursively) into a manifest. Errors are one-line and name the path.
 */
export async function buildManifest(
  source: string,
  options: BuildManifestOptions = {},
): Promise<BuiltManifest> {
  const params = options.params ?? DEFAULT_CHUNKER_PARAMS;
  const statedAtMs = Date.now();
  const { root, files } = listSourceFiles(source, { exclude: options.statCachePath });
  const ownPool =
    !options.pool && files.some((f) => f.size > POOL_WORTHY) ? new ChunkWorkerPool() : undefined;
  const pool = options.pool ?? ownPool;
  const cache = options.statCachePath ? StatCache.load(options.statCachePath, root) : undefined;
  const entries: ManifestFile[] = new Array(files.length);
  const chunks = new Map<string, ChunkLocation>();
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < files.length && !failed) {
      const index = next++;
      const file = files[index] as SourceFile;
      const found = await chunkOne(file, params, pool, options).catch((error) => {
        failed = true;
        throw error;
      });
      entries[index] = {
        path: file.path,
        size: file.size,
        mode: file.mode,
        chunks: found.map((c) => ({ digest: c.digest, size: c.size })),
      };
      for (const c of found) {
        if (!chunks.has(c.digest)) chunks.set(c.digest, { absPath: file.absPath, ...c });
      }
      cache?.record(file, contentKey(found, params), statedAtMs);
    }
  };
  try {
    await Promise.all(Array.from({ length: FILES_AT_ONCE }, worker));
  } finally {
    await ownPool?.close();
  }
  if (cache) {
    cache.retainOnly(new Set(files.map((f) => f.path)));
    cache.save();
  }
  const manifest: Manifest = { format: MANIFEST_FORMAT, chunker: { ...params }, files: entries };
  return {
    manifest,
    digest: manifestDigest(manifest),
    chunks,
    readChunk: (digest) => readChunk(chunks, digest),
  };
}

async function chunkOne(
  file: SourceFile,
  params: ChunkerParams,
  pool: ChunkWorkerPool | undefined,
  { onProgress, onChunks }: BuildManifestOptions,
) {
  let found: Awaited<ReturnType<typeof chunkFile>>;
  try {
    found = await chunkFile(file.absPath, {
      size: file.size,
      params,
      pool,
      onProgress: (bytesDone) => onProgress?.({ path: file.path, bytesDone, size: file.size }),
      ...(onChunks ? { onChunks: (chunks: FileChunk[]) => onChunks(file.absPath, chunks) } : {}),
    });
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code ? fsError(error, file.absPath) : error;
  }
  onProgress?.({ path: file.path, bytesDone: file.size, size: file.size });
  let after: Stats;
  try {
    after = statSync(file.absPath);
  } catch (error) {
    throw fsError(error, file.absPath);
  }
  if (after.size !== file.size || after.mtimeMs !== file.mtimeMs) {
    throw new Error(`File changed while it was read: ${file.absPath}`);
  }
  return found;
}

async function readChunk(chunks: Map<string, ChunkLocation>, digest: string): Promise<Uint8Array> {
  const where = chunks.get(digest);
  if (!where) throw new Error(`Chunk ${digest} is not part of this manifest`);
  const bytes = new Uint8Array(where.size);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(where.absPath, "r");
  } catch (error) {
    throw fsError(error, where.absPath);
  }
  try {
    const { bytesRead } = await handle.read(bytes, 0, where.size, where.offset);
    if (bytesRead !== where.size || digestOf(bytes) !== digest) {
      throw new Error(`File changed since it was chunked: ${where.absPath}`);
    }
    return bytes;
  } finally {
    await handle.close();
  }
}
