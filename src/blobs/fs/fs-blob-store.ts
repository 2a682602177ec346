import { randomUUID } from "node:crypto";
import { closeSync, createReadStream, fstatSync, openSync, readSync, statSync } from "node:fs";
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline, type Readable } from "node:stream";
import { BadRequestError } from "../../domain/errors.js";
import {
  type BlobBatch,
  BlobCorruptError,
  type BlobSource,
  type BlobStore,
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
import { FsBlobBatch } from "./fs-blob-batch.js";

/** Temp files older than this are left over from a crash. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** Small chunks are gathered into writes of this size to save system calls. */
const WRITE_BATCH_BYTES = 1024 * 1024;
/** Blobs up to this size are read synchronously for pack downloads. */
const SYNC_READ_MAX = 1024 * 1024;
const HEX2 = /^[0-9a-f]{2}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Blobs as read-only files under `<root>/sha256/ab/cd/<hex>`; the two-level
 * fan-out keeps directories small. A put writes `<root>/tmp/<uuid>.tmp` on
 * the same filesystem, fsyncs it and renames it into place, so a crash leaves
 * at most a temp file, which `list` never reports and `open` sweeps once stale.
 */
export class FsBlobStore implements BlobStore {
  readonly root: string;
  private readonly blobDir: string;
  private readonly tempDir: string;

  private constructor(root: string) {
    this.root = root;
    this.blobDir = join(root, "sha256");
    this.tempDir = join(root, "tmp");
  }

  /** Opens (creating if needed) a store at `root` and removes stale temp files. */
  static async open(root: string): Promise<FsBlobStore> {
    const store = new FsBlobStore(root);
    await mkdir(store.blobDir, { recursive: true });
    await mkdir(store.tempDir, { recursive: true });
    await store.removeStaleTempFiles(Date.now() - STALE_TEMP_MS);
    return store;
  }

  /** Where a blob lives on disk (for tools and tests). */
  pathOf(digest: string): string {
    const { hex } = parseDigest(digest);
    return join(this.blobDir, hex.slice(0, 2), hex.slice(2, 4), hex);
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
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(digest), "r");
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const verifier = createVerifyingStream(digest);
    // Errors reach the reader through `verifier`; pipeline closes the file either way.
    return pipeline(handle.createReadStream(), verifier, () => {});
  }

  async getBytes(digest: string): Promise<Uint8Array | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(digest));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const actual = digestFromHash(createDigestHash().update(bytes));
    if (actual !== digest) throw new BlobCorruptError(digest, actual);
    return bytes;
  }

  async getUnverified(digest: string): Promise<Uint8Array | undefined> {
    let fd: number;
    try {
      fd = openSync(this.pathOf(digest), "r");
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    try {
      const size = fstatSync(fd).size;
      // A chunk-sized read is quicker done here than handed to the thread
      // pool and back (about 3x for 64 KiB); larger blobs do not block the loop.
      if (size > SYNC_READ_MAX) return await readFile(this.pathOf(digest));
      const bytes = Buffer.allocUnsafe(size);
      let at = 0;
      while (at < size) {
        const n = readSync(fd, bytes, at, size - at, at);
        if (n === 0) break;
        at += n;
      }
      return at === size ? bytes : bytes.subarray(0, at);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    } finally {
      closeSync(fd);
    }
  }

  batch(): BlobBatch {
    return new FsBlobBatch({
      blobDir: this.blobDir,
      tempDir: this.tempDir,
      pathOf: (digest) => this.pathOf(digest),
      stat: (digest) => this.stat(digest),
    });
  }

  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async stat(digest: string): Promise<{ size: number } | undefined> {
    // Synchronous and without an exception for a missing blob: a pack or a
    // missing-query asks about thousands, mostly absent, and an async stat's
    // thread-pool hop and ENOENT error object each cost more than the call.
    const stats = statSync(this.pathOf(digest), { throwIfNoEntry: false });
    return stats ? { size: stats.size } : undefined;
  }

  async writtenAt(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(digest))).mtimeMs;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async delete(digest: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(digest));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async *list(): AsyncIterable<string> {
    for (const first of await subdirectories(this.blobDir)) {
      for (const second of await subdirectories(join(this.blobDir, first))) {
        const dir = join(this.blobDir, first, second);
        for (const entry of await entriesOf(dir)) {
          // Anything else in the tree (stray or misplaced files) is not a blob.
          if (entry.isFile() && HEX64.test(entry.name) && entry.name.startsWith(first + second)) {
            yield formatDigest(entry.name);
          }
        }
      }
    }
  }

  async verify(digest: string): Promise<"ok" | "missing" | "corrupt"> {
    const path = this.pathOf(digest);
    const hash = createDigestHash();
    try {
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    } catch (error) {
      if (isNotFound(error)) return "missing";
      throw error;
    }
    return digestFromHash(hash) === digest ? "ok" : "corrupt";
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
    await syncDirectory(dir);
    if (created !== undefined) {
      await syncDirectory(dirname(dir));
      await syncDirectory(this.blobDir);
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

/** Makes a rename or a new entry in `dir` survive a power cut. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
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

function isNotFound(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}
