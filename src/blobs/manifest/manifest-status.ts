import { chunkFile } from "../chunking/chunk-file.js";
import type { ChunkWorkerPool } from "../chunking/chunk-worker-pool.js";
import { fsError, listSourceFiles, type SourceFile } from "./list-source-files.js";
import { comparePaths } from "./manifest-path.js";
import type { Manifest, ManifestFile } from "./manifest-types.js";
import { contentKey, StatCache } from "./stat-cache.js";

const DELETED = 1;
const SAME = 2;
const CONTENT_CHANGED = 3;
/** Not settled by the stat cache: re-hashed. */
const UNKNOWN = 4;

export interface StatusOptions {
  /** Stat cache file (see StatCache); without one every file of the right size is re-hashed. */
  statCachePath?: string;
  /** Used to re-hash large modified-looking files in parallel. */
  pool?: ChunkWorkerPool;
}

export interface ModifiedFile {
  path: string;
  oldSize: number;
  newSize: number;
  contentChanged: boolean;
  modeChanged: boolean;
}

export interface FolderStatus {
  unchanged: string[];
  modified: ModifiedFile[];
  /** On disk, not in the manifest. */
  added: { path: string; size: number }[];
  /** In the manifest, not on disk. */
  deleted: { path: string; size: number }[];
}

/**
 * What changed in `folder` since `manifest` was recorded. Files whose size,
 * mtime, ctime and inode match the stat cache's record of the same content
 * are not read; any other file of the recorded size is re-chunked with the
 * manifest's own chunker parameters and compared chunk by chunk.
 */
export async function statusAgainst(
  manifest: Manifest,
  folder: string,
  options: StatusOptions = {},
): Promise<FolderStatus> {
  const statedAtMs = Date.now();
  const { root, files } = listSourceFiles(folder, {
    exclude: options.statCachePath,
    sorted: false,
  });
  const cache = options.statCachePath ? StatCache.load(options.statCachePath, root) : undefined;
  const onDisk = new Map<string, SourceFile>();
  for (const f of files) onDisk.set(f.path, f);
  const status: FolderStatus = { unchanged: [], modified: [], added: [], deleted: [] };
  // First a synchronous pass that settles every file the cache vouches for
  // (the whole of a no-change status); only the rest are re-hashed.
  const recordedFiles = manifest.files;
  const verdict = new Uint8Array(recordedFiles.length);
  const matched: (SourceFile | undefined)[] = new Array(recordedFiles.length);
  let hits = 0;
  for (let k = 0; k < recordedFiles.length; k++) {
    const recorded = recordedFiles[k] as ManifestFile;
    const file = onDisk.get(recorded.path);
    if (file === undefined) {
      verdict[k] = DELETED;
      continue;
    }
    onDisk.delete(recorded.path);
    matched[k] = file;
    if (file.size !== recorded.size) {
      verdict[k] = CONTENT_CHANGED;
      continue;
    }
    const known = cache?.lookup(file);
    if (known === undefined) {
      verdict[k] = UNKNOWN;
      continue;
    }
    hits++;
    verdict[k] = known === contentKey(recorded.chunks, manifest.chunker) ? SAME : CONTENT_CHANGED;
  }
  for (let k = 0; k < recordedFiles.length; k++) {
    if (verdict[k] !== UNKNOWN) continue;
    const recorded = recordedFiles[k] as ManifestFile;
    const key = await rehash(matched[k] as SourceFile, manifest, cache, options.pool, statedAtMs);
    verdict[k] = key === contentKey(recorded.chunks, manifest.chunker) ? SAME : CONTENT_CHANGED;
  }
  for (let k = 0; k < recordedFiles.length; k++) {
    const recorded = recordedFiles[k] as ManifestFile;
    const file = matched[k];
    if (file === undefined) {
      status.deleted.push({ path: recorded.path, size: recorded.size });
      continue;
    }
    const contentChanged = verdict[k] === CONTENT_CHANGED;
    const modeChanged = file.mode !== recorded.mode;
    if (contentChanged || modeChanged) {
      status.modified.push({
        path: file.path,
        oldSize: recorded.size,
        newSize: file.size,
        contentChanged,
        modeChanged,
      });
    } else status.unchanged.push(file.path);
  }
  const added = [...onDisk.values()].sort((a, b) => comparePaths(a.path, b.path));
  for (const file of added) status.added.push({ path: file.path, size: file.size });
  if (cache) {
    // Every entry answered for a file still here: there is nothing to drop.
    if (hits !== cache.size) cache.retainOnly(new Set(files.map((f) => f.path)));
    cache.save();
  }
  return status;
}

async function rehash(
  file: SourceFile,
  manifest: Manifest,
  cache: StatCache | undefined,
  pool: ChunkWorkerPool | undefined,
  statedAtMs: number,
): Promise<string> {
  let chunks: Awaited<ReturnType<typeof chunkFile>>;
  try {
    chunks = await chunkFile(file.absPath, { size: file.size, params: manifest.chunker, pool });
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code ? fsError(error, file.absPath) : error;
  }
  const key = contentKey(chunks, manifest.chunker);
  cache?.record(file, key, statedAtMs);
  return key;
}
