import { createHash } from "node:crypto";
import { type FileHandle, open, stat } from "node:fs/promises";
import { chunkFile } from "../../blobs/chunking/chunk-file.js";
import type { ChunkWorkerPool } from "../../blobs/chunking/chunk-worker-pool.js";
import type { ChunkerParams } from "../../blobs/chunking/chunker-params.js";
import type { ManifestFile } from "../../blobs/manifest/manifest-types.js";

interface Location {
  absPath: string;
  offset: number;
  size: number;
}

/** A file already on disk, chunked with the manifest's parameters. */
export interface ScannedFile {
  size: number;
  mode: number;
  chunks: { digest: string; offset: number; size: number }[];
}

/**
 * Chunks that are already on this machine (an earlier checkout, a cached
 * copy), so a checkout reads them instead of downloading. Every read is
 * re-hashed: the files may have changed since they were scanned.
 */
export class LocalChunks {
  private readonly where = new Map<string, Location>();
  private readonly handles = new Map<string, Promise<FileHandle>>();

  /** `pool` is asked for only when a file is actually chunked (started lazily by the caller). */
  constructor(
    private readonly params: ChunkerParams,
    private readonly pool: () => ChunkWorkerPool | undefined,
  ) {}

  /** Chunks `absPath` and remembers where its chunks are; undefined when it is no regular file. */
  async scan(absPath: string): Promise<ScannedFile | undefined> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(absPath);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    let chunks: ScannedFile["chunks"];
    try {
      // Small files are chunked on this thread anyway (see chunkFile).
      const pool = info.size > 1024 * 1024 ? this.pool() : undefined;
      chunks = await chunkFile(absPath, { size: info.size, params: this.params, pool });
    } catch {
      return undefined;
    }
    for (const c of chunks) {
      if (!this.where.has(c.digest)) this.where.set(c.digest, { absPath, ...c });
    }
    return { size: info.size, mode: info.mode & 0o7777, chunks };
  }

  /** Records a file just written, whose chunks are known to be those of `file`. */
  remember(absPath: string, file: ManifestFile): void {
    this.drop(absPath);
    let offset = 0;
    for (const c of file.chunks) {
      if (!this.where.has(c.digest)) this.where.set(c.digest, { absPath, offset, size: c.size });
      offset += c.size;
    }
  }

  has(digest: string): boolean {
    return this.where.has(digest);
  }

  /** The chunk's bytes if a local copy still holds them, else undefined. */
  async read(digest: string): Promise<Uint8Array | undefined> {
    const at = this.where.get(digest);
    if (!at) return undefined;
    try {
      const handle = await this.handle(at.absPath);
      const bytes = new Uint8Array(at.size);
      const { bytesRead } = await handle.read(bytes, 0, at.size, at.offset);
      if (bytesRead === at.size && sha256(bytes) === digest) return bytes;
    } catch {
      // Gone or unreadable: download it instead.
    }
    this.where.delete(digest);
    return undefined;
  }

  async close(): Promise<void> {
    for (const path of [...this.handles.keys()]) this.drop(path);
  }

  private handle(absPath: string): Promise<FileHandle> {
    let handle = this.handles.get(absPath);
    if (!handle) {
      handle = open(absPath, "r");
      handle.catch(() => undefined);
      this.handles.set(absPath, handle);
    }
    return handle;
  }

  /** A path about to be replaced: reads through an old handle would see the old file. */
  private drop(absPath: string): void {
    const handle = this.handles.get(absPath);
    this.handles.delete(absPath);
    handle?.then((h) => h.close()).catch(() => undefined);
  }
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Whether a scanned file is exactly the manifest's file: same bytes and mode. */
export function sameFile(scanned: ScannedFile, file: ManifestFile): boolean {
  if (scanned.size !== file.size || scanned.mode !== file.mode) return false;
  if (scanned.chunks.length !== file.chunks.length) return false;
  return file.chunks.every((c, k) => scanned.chunks[k]?.digest === c.digest);
}
