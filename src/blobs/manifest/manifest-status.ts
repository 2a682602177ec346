import { chunkFile } from "../chunking/chunk-file.js";
import type { ChunkWorkerPool } from "../chunking/chunk-worker-pool.js";
import { fsError, listSourceFiles, type SourceFile } from "./list-source-files.js";
import { comparePaths } from "./manifest-path.js";
import type { Manifest } from "./manifest-types.js";
import { contentKey, StatCache } from "./stat-cache.js";

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
  const onDisk = new Map<string, SourceFile>(files.map((f) => [f.path, f]));
  const status: FolderStatus = { unchanged: [], modified: [], added: [], deleted: [] };
  for (const recorded of manifest.files) {
    const file = onDisk.get(recorded.path);
    if (!file) {
      status.deleted.push({ path: recorded.path, size: recorded.size });
      continue;
    }
    onDisk.delete(recorded.path);
    const modeChanged = file.mode !== recorded.mode;
    const want = contentKey(recorded.chunks, manifest.chunker);
    // The cache answers without an await: 10,000 of them cost more than the lookups.
    const known = file.size === recorded.size ? cache?.lookup(file) : undefined;
    const contentChanged =
      file.size !== recorded.size ||
      (known !== undefined
        ? known !== want
        : (await rehash(file, manifest, cache, options.pool, statedAtMs)) !== want);
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
    cache.retainOnly(new Set(files.map((f) => f.path)));
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
