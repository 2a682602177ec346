import { randomUUID } from "node:crypto";
import { closeSync, createReadStream, existsSync, fstatSync, statSync } from "node:fs";
import { type FileHandle, mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline, type Readable } from "node:stream";
import { BadRequestError, NotFoundError } from "../../domain/errors.js";
import {
  type BlobBatch,
  BlobCorruptError,
  type BlobSource,
  type BlobStore,
  type CompactionReport,
  type PutBlobOptions,
  type StoredBlob,
} from "../blob-store.js";
import {
  createDigestHash,
  createVerifyingStream,
  digestFromHash,
  formatDigest,
  parseDigest,
} from "../digest.js";
import { packFrameHeader } from "../pack/pack-codec.js";
import type { PiecePool } from "../pack/piece-pool.js";
import { fsyncPath } from "./durability-barrier.js";
import { openForReading, readRange, readRangeSync, SYNC_READ_MAX } from "./file-range.js";
import { FsBlobBatch } from "./fs-blob-batch.js";
import { isNotFound } from "./fs-errors.js";
import { compactPacks } from "./pack-compaction.js";
import { PackIndex } from "./pack-index.js";
import { PackReader } from "./pack-reader.js";
import { recoverUnindexedPacks } from "./pack-recovery.js";
import { frameRuns } from "./pack-runs.js";

/** Temp files older than this are left over from a crash. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** Small chunks are gathered into writes of this size to save system calls. */
const WRITE_BATCH_BYTES = 1024 * 1024;
const HEX2 = /^[0-9a-f]{2}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Blobs on the local file system, in two forms.
 *
 * - Loose: one read-only file per blob under `<root>/sha256/ab/cd/<hex>`, for
 *   single puts (artifacts, manifests, diffs). A put writes
 *   `<root>/tmp/<uuid>.tmp`, fsyncs it and renames it into place, so a crash
 *   leaves at most a temp file, which `list` never reports and `open` sweeps.
 * - Packed: a batch (the chunks of a `data add`) appends its blobs to one
 *   pack file under `<root>/packs/`, indexed in `<root>/packs/index.sqlite`.
 *   Creating a file per 64 KiB chunk cost more than everything else in an add.
 *
 * Reads look in the index first, then for a loose file. Deleting a packed
 * blob drops its index entry; `compact` later rewrites packs that are mostly
 * dead bytes. Packs describe themselves, so a lost index is rebuilt on open.
 */
export class FsBlobStore implements BlobStore {
  readonly root: string;
  private readonly blobDir: string;
  private readonly tempDir: string;
  private readonly packDir: string;
  private readonly index: PackIndex;
  private readonly packs: PackReader;

  private constructor(root: string, index: PackIndex) {
    this.root = root;
    this.blobDir = join(root, "sha256");
    this.tempDir = join(root, "tmp");
    this.packDir = join(root, "packs");
    this.index = index;
    this.packs = new PackReader(this.packDir);
  }

  /**
   * Opens (creating if needed) a store at `root`, removes stale temp files and
   * registers packs a crash left out of the index (all of them if it was lost).
   */
  static async open(root: string): Promise<FsBlobStore> {
    const packDir = join(root, "packs");
    await mkdir(join(root, "sha256"), { recursive: true });
    await mkdir(join(root, "tmp"), { recursive: true });
    await mkdir(packDir, { recursive: true });
    const indexPath = join(packDir, "index.sqlite");
    const indexLost = !existsSync(indexPath);
    const store = new FsBlobStore(root, PackIndex.open(indexPath));
    const now = Date.now();
    await store.removeStaleTempFiles(now - STALE_TEMP_MS);
    await recoverUnindexedPacks(packDir, store.index, {
      olderThan: indexLost ? now : now - STALE_TEMP_MS,
      now,
    });
    return store;
  }

  /** Releases the index and the open pack files. */
  async close(): Promise<void> {
    this.packs.close();
    this.index.close();
  }

  /** Where a loose blob lives or would live on disk (for tools and tests). */
  pathOf(digest: string): string {
    const { hex } = parseDigest(digest);
    return join(this.blobDir, hex.slice(0, 2), hex.slice(2, 4), hex);
  }

  /** The file and byte range holding a blob's bytes, packed or loose (for tools and tests). */
  locate(digest: string): { path: string; offset: number; size: number } | undefined {
    const packed = this.index.lookup(digest);
    if (packed) return { path: this.packs.pathOf(packed.pack), ...packed };
    const stats = statSync(this.pathOf(digest), { throwIfNoEntry: false });
    return stats ? { path: this.pathOf(digest), offset: 0, size: stats.size } : undefined;
  }

  async put(source: BlobSource, options: PutBlobOptions = {}): Promise<StoredBlob> {
    const { expectedDigest } = options;
    if (expectedDigest !== undefined) parseDigest(expectedDigest);
    const tempPath = join(this.tempDir, `${randomUUID()}.tmp`);
    // Created read-only: the open descriptor may still write, nothing later can.
    const handle = await open(tempPath, "wx", 0o444);
    try {
      const hash = createDigestHash();
      let size = 0;
      try {
        const writer = new BatchedWriter(handle);
        for await (const chunk of chunksOf(source)) {
          hash.update(chunk);
          size += chunk.byteLength;
          await writer.write(chunk);
        }
        await writer.flush();
        await handle.sync();
      } finally {
        await handle.close();
      }
      const digest = digestFromHash(hash);
      if (expectedDigest !== undefined && digest !== expectedDigest) {
        throw new BadRequestError(
          `Content digest ${digest} does not match the expected ${expectedDigest}`,
        );
      }
      await this.commit(tempPath, digest, size);
      return { digest, size };
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
  }

  async get(digest: string): Promise<Readable | undefined> {
    const packed = this.index.lookup(digest);
    let source: Readable | undefined;
    if (packed) {
      source = this.packs.stream(packed.pack, packed.offset, packed.size);
      if (!source) return undefined;
    } else {
      let handle: FileHandle;
      try {
        handle = await open(this.pathOf(digest), "r");
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
      source = handle.createReadStream();
    }
    const verifier = createVerifyingStream(digest);
    // Errors reach the reader through `verifier`; pipeline closes the file either way.
    return pipeline(source, verifier, () => {});
  }

  async getBytes(digest: string): Promise<Uint8Array | undefined> {
    const bytes = await this.readStored(digest);
    if (!bytes) return undefined;
    const actual = digestFromHash(createDigestHash().update(bytes));
    if (actual !== digest) throw new BlobCorruptError(digest, actual);
    return bytes;
  }

  batch(): BlobBatch {
    return new FsBlobBatch({
      packDir: this.packDir,
      index: this.index,
      indexFiles: [this.index.path, `${this.index.path}-wal`],
      now: Date.now,
    });
  }

  async has(digest: string): Promise<boolean> {
    return this.statSync(digest) !== undefined;
  }

  async statMany(digests: readonly string[]): Promise<({ size: number } | undefined)[]> {
    // lookupMany checks every digest (BadRequestError) before it looks any up.
    const packs = new Map<string, boolean>();
    return this.index.lookupMany(digests).map((packed, i) => {
      if (!packed) return this.looseStat(digests[i] as string);
      let exists = packs.get(packed.pack);
      if (exists === undefined) {
        exists = this.packs.exists(packed.pack);
        packs.set(packed.pack, exists);
      }
      return exists ? { size: packed.size } : undefined;
    });
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    return this.statSync(digest);
  }

  async writtenAt(digest: string): Promise<number | undefined> {
    const packed = this.index.lookup(digest);
    if (packed) return packed.writtenAt;
    try {
      return (await stat(this.pathOf(digest))).mtimeMs;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async delete(digest: string): Promise<boolean> {
    const unpacked = this.index.delete(digest);
    try {
      await unlink(this.pathOf(digest));
      return true;
    } catch (error) {
      if (isNotFound(error)) return unpacked;
      throw error;
    }
  }

  async *list(): AsyncIterable<string> {
    yield* this.index.digests();
    for (const first of await subdirectories(this.blobDir)) {
      for (const second of await subdirectories(join(this.blobDir, first))) {
        const dir = join(this.blobDir, first, second);
        for (const entry of await entriesOf(dir)) {
          // Anything else in the tree (stray or misplaced files) is not a blob.
          if (entry.isFile() && HEX64.test(entry.name) && entry.name.startsWith(first + second)) {
            const digest = formatDigest(entry.name);
            // A put racing a batch may have left a loose copy too; it is listed once.
            if (!this.index.lookup(digest)) yield digest;
          }
        }
      }
    }
  }

  async verify(digest: string): Promise<"ok" | "missing" | "corrupt"> {
    const hash = createDigestHash();
    if (this.index.lookup(digest)) {
      const bytes = await this.readStored(digest);
      if (!bytes) return "missing";
      hash.update(bytes);
    } else {
      try {
        for await (const chunk of createReadStream(this.pathOf(digest)))
          hash.update(chunk as Buffer);
      } catch (error) {
        if (isNotFound(error)) return "missing";
        throw error;
      }
    }
    return digestFromHash(hash) === digest ? "ok" : "corrupt";
  }

  async *frames(digests: readonly string[], pool?: PiecePool): AsyncIterable<Uint8Array> {
    // lookupMany checks every digest (BadRequestError) before it looks any up.
    for (const item of frameRuns(this.index.lookupMany(digests))) {
      if (typeof item === "number") {
        const digest = digests[item] as string;
        const bytes = await this.readLoose(digest);
        if (!bytes) throw new NotFoundError(`blob ${digest} not found`);
        yield packFrameHeader(digest, bytes.byteLength);
        yield bytes;
        continue;
      }
      const size = item.end - item.start;
      const bytes = pool ? pool.take(size) : Buffer.allocUnsafe(size);
      const read = await this.packs.readInto(item.pack, item.start, bytes);
      if (read !== size) pool?.release(bytes);
      // Removed (gc compacted it meanwhile) or cut: the receiver sees the stream fail.
      if (read === undefined) throw new NotFoundError(`blob ${digests[item.first]} not found`);
      if (read !== size) {
        throw new Error(
          `Pack file ${item.pack} is cut short: blob ${digests[item.last]} is not whole there; run data verify`,
        );
      }
      yield bytes;
    }
  }

  /**
   * Rewrites packs whose blobs are mostly deleted and removes packs with none
   * left; gc calls it after deleting.
   */
  async compact(): Promise<CompactionReport> {
    return compactPacks({
      packDir: this.packDir,
      index: this.index,
      reader: this.packs,
      now: Date.now,
    });
  }

  private statSync(digest: string): { size: number } | undefined {
    const packed = this.index.lookup(digest);
    // A pack file removed behind the store's back must read as missing, so a
    // client uploads those chunks again instead of trusting the index.
    if (packed) return this.packs.exists(packed.pack) ? { size: packed.size } : undefined;
    return this.looseStat(digest);
  }

  private looseStat(digest: string): { size: number } | undefined {
    // Synchronous and without an exception for a missing blob: a pack or a
    // missing-query asks about thousands, mostly absent, and an async stat's
    // thread-pool hop and ENOENT error object each cost more than the call.
    const stats = statSync(this.pathOf(digest), { throwIfNoEntry: false });
    return stats ? { size: stats.size } : undefined;
  }

  /** The stored bytes, not re-hashed, wherever they are. */
  private async readStored(digest: string): Promise<Uint8Array | undefined> {
    // Twice: compaction may move the blob between the lookup and the read.
    for (let attempt = 0; attempt < 2; attempt++) {
      const packed = this.index.lookup(digest);
      if (!packed) break;
      const bytes = await this.packs.read(packed.pack, packed.offset, packed.size);
      if (bytes) return bytes;
      const moved = this.index.lookup(digest);
      if (moved?.pack === packed.pack) return undefined;
    }
    return this.readLoose(digest);
  }

  private async readLoose(digest: string): Promise<Uint8Array | undefined> {
    const fd = openForReading(this.pathOf(digest));
    if (fd === undefined) return undefined;
    let size: number;
    try {
      size = fstatSync(fd).size;
      if (size <= SYNC_READ_MAX) return readRangeSync(fd, 0, size);
    } finally {
      closeSync(fd);
    }
    return readRange(this.pathOf(digest), 0, size);
  }

  private async commit(tempPath: string, digest: string, size: number): Promise<void> {
    const finalPath = this.pathOf(digest);
    const existing = await this.stat(digest);
    // Same digest and size: the bytes are already here. A different size means
    // the stored copy was truncated, so the fresh one replaces it.
    if (existing?.size === size) {
      await rm(tempPath, { force: true });
      return;
    }
    const dir = dirname(finalPath);
    const created = await mkdir(dir, { recursive: true });
    // A racing put of the same bytes may rename first; replacing identical bytes is harmless.
    await rename(tempPath, finalPath);
    await fsyncPath(dir);
    if (created !== undefined) {
      await fsyncPath(dirname(dir));
      await fsyncPath(this.blobDir);
    }
  }

  private async removeStaleTempFiles(olderThan: number): Promise<void> {
    for (const entry of await entriesOf(this.tempDir)) {
      const path = join(this.tempDir, entry.name);
      try {
        if ((await stat(path)).mtimeMs < olderThan)
          await rm(path, { force: true, recursive: true });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }
}

/** Gathers small chunks into larger writes; copies them, since a producer may reuse its buffer. */
class BatchedWriter {
  private readonly handle: FileHandle;
  private batch: Buffer | undefined;
  private used = 0;

  constructor(handle: FileHandle) {
    this.handle = handle;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.used === 0 && chunk.byteLength >= WRITE_BATCH_BYTES) {
      await writeFully(this.handle, chunk);
      return;
    }
    this.batch ??= Buffer.allocUnsafe(WRITE_BATCH_BYTES);
    let offset = 0;
    while (offset < chunk.byteLength) {
      const n = Math.min(WRITE_BATCH_BYTES - this.used, chunk.byteLength - offset);
      this.batch.set(chunk.subarray(offset, offset + n), this.used);
      this.used += n;
      offset += n;
      if (this.used === WRITE_BATCH_BYTES) await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.batch === undefined || this.used === 0) return;
    await writeFully(this.handle, this.batch.subarray(0, this.used));
    this.used = 0;
  }
}

async function writeFully(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}

async function* chunksOf(source: BlobSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  for await (const chunk of source as AsyncIterable<unknown>) {
    if (chunk instanceof Uint8Array) yield chunk;
    else if (typeof chunk === "string") yield Buffer.from(chunk, "utf8");
    else throw new TypeError("A blob source must yield Uint8Array chunks");
  }
}

async function entriesOf(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

async function subdirectories(dir: string): Promise<string[]> {
  return (await entriesOf(dir))
    .filter((entry) => entry.isDirectory() && HEX2.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}
