import { type FileHandle, open } from "node:fs/promises";
import {
  PACK_END,
  PACK_FRAME_HEADER_BYTES,
  PACK_MAGIC,
  packFrameHeader,
} from "../pack/pack-codec.js";
import type { PackedBlob } from "./pack-index.js";

/** Frames are gathered into writes of this size. */
const WRITE_BYTES = 1024 * 1024;
/** Write buffers kept for the next pack: about two packs in flight. */
const SPARE_MAX = 32;
/**
 * Shared by every writer, since each upload request is a pack of its own:
 * fresh buffers would cost a page fault per 4 KiB and a garbage collection
 * every few packs.
 */
const spare: Buffer[] = [];

/**
 * Appends blobs to a new pack file in the upload pack's format (magic, one
 * frame per blob naming its digest, end marker), so a pack describes itself
 * and the index can be rebuilt from the packs alone. Writes are gathered and
 * sequential: one file per batch instead of one per blob is the point.
 *
 * A blob's bytes can be received straight into the write buffer: `reserve`
 * hands out the slot, and `add` with that slot records it without a copy.
 */
export class PackFileWriter {
  readonly path: string;
  readonly blobs: PackedBlob[] = [];
  private readonly handle: Promise<FileHandle>;
  private buffer: Buffer = spare.pop() ?? Buffer.allocUnsafe(WRITE_BYTES);
  private used = 0;
  private written = 0;
  /** The slot handed out by `reserve` and not yet added. */
  private slot: { digest: string; view: Uint8Array; offset: number } | undefined;
  /** Every write so far, in order. */
  private writing: Promise<void>;
  /** Every write but the latest: what `add` waits for, so one write overlaps the next blob. */
  private settled: Promise<void>;

  /** Creates the file, which must not exist; read-only like loose blobs. */
  constructor(path: string) {
    this.path = path;
    this.handle = open(path, "wx", 0o444);
    this.writing = this.handle.then(() => undefined);
    this.writing.catch(() => undefined);
    this.settled = this.writing;
    this.append(PACK_MAGIC);
  }

  /** Bytes in the pack so far, including what is not yet written. */
  get size(): number {
    return this.written + this.used;
  }

  /**
   * Room for a blob of `size` bytes, right after its frame header in the
   * write buffer; fill it, then `add` it. Until then nothing else may be
   * reserved or added.
   */
  reserve(digest: string, size: number): Uint8Array {
    if (this.slot) throw new Error(`The slot for ${this.slot.digest} is not added yet`);
    const frame = PACK_FRAME_HEADER_BYTES + size;
    if (this.used + frame > this.buffer.byteLength) {
      this.flush();
      // A blob larger than a write gets a buffer of its own, not reused.
      if (frame > this.buffer.byteLength) {
        release(this.buffer);
        this.buffer = Buffer.allocUnsafe(frame);
      }
    }
    packFrameHeader(digest, size).copy(this.buffer, this.used);
    this.used += PACK_FRAME_HEADER_BYTES;
    const view = this.buffer.subarray(this.used, this.used + size);
    this.slot = { digest, view, offset: this.size };
    this.used += size;
    return view;
  }

  /**
   * Adds the blob: the slot from `reserve`, or bytes that are copied (the
   * caller may reuse them). Resolves once all but the latest write are done.
   */
  async add(digest: string, bytes: Uint8Array): Promise<void> {
    const slot = this.slot;
    if (slot) {
      if (slot.view !== bytes || slot.digest !== digest) {
        throw new Error(`Blob ${digest} is not the one reserved (${slot.digest})`);
      }
      this.slot = undefined;
      this.blobs.push({ digest, offset: slot.offset, size: bytes.byteLength });
    } else {
      this.append(packFrameHeader(digest, bytes.byteLength));
      this.blobs.push({ digest, offset: this.size, size: bytes.byteLength });
      this.append(bytes);
    }
    await this.settled;
  }

  /** Writes the end marker and closes the file; returns its size. */
  async finish(): Promise<number> {
    if (this.slot) throw new Error(`The slot for ${this.slot.digest} was never added`);
    this.append(PACK_END);
    this.flush();
    release(this.buffer);
    this.buffer = EMPTY;
    const handle = await this.handle;
    try {
      await this.writing;
    } finally {
      await handle.close();
    }
    return this.written;
  }

  /** Closes the file after a failure; the caller removes it. */
  async abandon(): Promise<void> {
    await this.writing.catch(() => undefined);
    const handle = await this.handle.catch(() => undefined);
    await handle?.close().catch(() => undefined);
  }

  private append(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.byteLength) {
      const n = Math.min(this.buffer.byteLength - this.used, bytes.byteLength - at);
      this.buffer.set(bytes.subarray(at, at + n), this.used);
      this.used += n;
      at += n;
      if (this.used === this.buffer.byteLength) this.flush();
    }
  }

  private flush(): void {
    if (this.used === 0) return;
    const filled = this.buffer;
    const full = filled.subarray(0, this.used);
    const position = this.written;
    this.written += this.used;
    this.buffer = spare.pop() ?? Buffer.allocUnsafe(WRITE_BYTES);
    this.used = 0;
    this.settled = this.writing;
    this.writing = this.writing.then(async () => {
      await writeAt(await this.handle, full, position);
      release(filled);
    });
    // A failed write surfaces from `add` or `finish`; until then it is not unhandled.
    this.writing.catch(() => undefined);
  }
}

const EMPTY = Buffer.alloc(0);

function release(buffer: Buffer): void {
  if (buffer.byteLength === WRITE_BYTES && spare.length < SPARE_MAX) spare.push(buffer);
}

async function writeAt(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(
      bytes,
      offset,
      bytes.byteLength - offset,
      position + offset,
    );
    offset += bytesWritten;
  }
}
