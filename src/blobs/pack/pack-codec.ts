import { BadRequestError, PayloadTooLargeError } from "../../domain/errors.js";
import { formatDigest, parseDigest } from "../digest.js";

/**
 * A blob pack: many blobs in one byte stream, so a client moves thousands of
 * small chunks in a few requests instead of one request each.
 *
 *     "LSPACK1\n"                                   8-byte magic
 *     0x01, digest (32 raw bytes), length (u32 BE), bytes   per blob
 *     0x00                                          end; nothing may follow
 *
 * The explicit end marker tells a complete pack from one cut at a frame
 * boundary, which the framing alone could not.
 */
export const PACK_MAGIC = Buffer.from("LSPACK1\n", "latin1");
export const PACK_MEDIA_TYPE = "application/vnd.lockstep.pack";

const FRAME = 0x01;
const END = 0x00;
/** One frame's header: type, raw digest, length. */
export const PACK_FRAME_HEADER_BYTES = 1 + 32 + 4;
const HEADER_BYTES = PACK_FRAME_HEADER_BYTES;

export interface PackEntry {
  digest: string;
  bytes: Uint8Array;
}

export interface PackLimits {
  /** Largest single blob; a bigger frame is refused before its bytes are read. */
  maxBlobBytes: number;
  /** Most blobs in one pack. */
  maxBlobs: number;
}

/** The header of one blob's frame; write it, then the bytes. */
export function packFrameHeader(digest: string, size: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header[0] = FRAME;
  header.write(parseDigest(digest).hex, 1, "hex");
  header.writeUInt32BE(size, 33);
  return header;
}

export const PACK_END = Buffer.from([END]);

/** A whole pack in memory (for small packs and tests; uploads stream frames). */
export function encodePack(entries: readonly PackEntry[]): Buffer {
  const parts: Uint8Array[] = [PACK_MAGIC];
  for (const { digest, bytes } of entries)
    parts.push(packFrameHeader(digest, bytes.byteLength), bytes);
  parts.push(PACK_END);
  return Buffer.concat(parts);
}

/**
 * Reads a pack as it streams in and yields each blob once its bytes are
 * complete (not yet verified: the digest is what the sender claims). Anything
 * malformed — wrong magic, a cut stream, bytes after the end — throws
 * `BadRequestError`; a blob over the limit, `PayloadTooLargeError`.
 */
export async function* decodePack(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  limits: PackLimits,
): AsyncGenerator<PackEntry> {
  const decoder = new PackDecoder(limits);
  const ready: PackEntry[] = [];
  const collect = (entry: PackEntry) => {
    ready.push(entry);
  };
  for await (const piece of source) {
    let failure: unknown;
    try {
      decoder.push(piece, collect);
    } catch (error) {
      failure = error;
    }
    // Blobs complete before a fault are still handed out, in order, as they were read.
    for (let k = 0; k < ready.length; k++) yield ready[k] as PackEntry;
    ready.length = 0;
    if (failure !== undefined) throw failure;
  }
  decoder.end();
}

/**
 * Where a blob's bytes should go: a view of exactly `size` bytes that the
 * decoder fills, or undefined for a buffer of its own. `index` counts blobs
 * from 0.
 */
export type PackPlacer = (digest: string, size: number, index: number) => Uint8Array | undefined;

enum Stage {
  Magic,
  Kind,
  Header,
  Body,
  Ended,
}

/**
 * The pack format as a push parser: feed it the stream's pieces as they
 * arrive and it hands each complete blob to a callback. A blob that lies
 * within one piece is handed out as a view of it (no copy) unless a placer
 * gives it a home; one that spans pieces is copied once, into that home or a
 * buffer of its own. Faults throw as `decodePack` documents.
 */
export class PackDecoder {
  private stage = Stage.Magic;
  /** Magic or frame header bytes gathered so far. */
  private readonly small = Buffer.allocUnsafe(HEADER_BYTES);
  private filled = 0;
  private count = 0;
  private digest = "";
  private body: Uint8Array = new Uint8Array(0);
  private bodyFilled = 0;

  constructor(
    private readonly limits: PackLimits,
    private readonly place?: PackPlacer,
  ) {}

  /** Blobs complete so far. */
  get blobs(): number {
    return this.count;
  }

  get ended(): boolean {
    return this.stage === Stage.Ended;
  }

  push(piece: Uint8Array, onBlob: (entry: PackEntry, index: number) => void): void {
    let at = 0;
    const length = piece.byteLength;
    while (at < length) {
      switch (this.stage) {
        case Stage.Magic: {
          at = this.gather(piece, at, PACK_MAGIC.length);
          if (this.filled < PACK_MAGIC.length) break;
          if (!this.small.subarray(0, PACK_MAGIC.length).equals(PACK_MAGIC)) {
            throw new BadRequestError("Not a blob pack: it must start with the LSPACK1 magic line");
          }
          this.filled = 0;
          this.stage = Stage.Kind;
          break;
        }
        case Stage.Kind: {
          const kind = piece[at++] as number;
          if (kind === END) {
            this.stage = Stage.Ended;
            break;
          }
          if (kind !== FRAME) {
            throw new BadRequestError(
              `Unknown frame type ${kind} at blob ${this.count} of the pack`,
            );
          }
          if (this.count >= this.limits.maxBlobs) {
            throw new PayloadTooLargeError(`A pack holds at most ${this.limits.maxBlobs} blobs`);
          }
          this.stage = Stage.Header;
          break;
        }
        case Stage.Header: {
          at = this.gather(piece, at, HEADER_BYTES - 1);
          if (this.filled < HEADER_BYTES - 1) break;
          this.filled = 0;
          this.digest = formatDigest(this.small.toString("hex", 0, 32));
          const size = this.small.readUInt32BE(32);
          if (size > this.limits.maxBlobBytes) {
            throw new PayloadTooLargeError(
              `Blob ${this.digest} in the pack is ${size} bytes; at most ${this.limits.maxBlobBytes} are allowed`,
            );
          }
          const home = this.place?.(this.digest, size, this.count);
          if (!home && length - at >= size) {
            // All here: a view, no copy.
            this.emit(piece.subarray(at, at + size), onBlob);
            at += size;
            break;
          }
          // Every byte is overwritten before it is handed out, so no zero-fill.
          this.body = home && home.byteLength === size ? home : Buffer.allocUnsafeSlow(size);
          this.bodyFilled = 0;
          this.stage = Stage.Body;
          if (size === 0) this.emit(this.body, onBlob);
          break;
        }
        case Stage.Body: {
          const want = Math.min(this.body.byteLength - this.bodyFilled, length - at);
          this.body.set(piece.subarray(at, at + want), this.bodyFilled);
          this.bodyFilled += want;
          at += want;
          if (this.bodyFilled === this.body.byteLength) this.emit(this.body, onBlob);
          break;
        }
        case Stage.Ended:
          throw new BadRequestError("The pack has bytes after its end marker");
      }
    }
  }

  /** The stream is over: throws unless it ended with the end marker. */
  end(): void {
    switch (this.stage) {
      case Stage.Ended:
        return;
      case Stage.Magic:
        throw new BadRequestError("Not a blob pack: it must start with the LSPACK1 magic line");
      case Stage.Kind:
        throw new BadRequestError(
          `The pack ended after ${this.count} blobs without its end marker`,
        );
      case Stage.Header:
        throw new BadRequestError(`The pack was cut inside the header of blob ${this.count}`);
      case Stage.Body:
        throw new BadRequestError(`The pack was cut inside blob ${this.digest}`);
    }
  }

  /** Copies up to `want` bytes in all into the small buffer; returns the new position in `piece`. */
  private gather(piece: Uint8Array, at: number, want: number): number {
    const n = Math.min(want - this.filled, piece.byteLength - at);
    this.small.set(piece.subarray(at, at + n), this.filled);
    this.filled += n;
    return at + n;
  }

  private emit(bytes: Uint8Array, onBlob: (entry: PackEntry, index: number) => void): void {
    const index = this.count++;
    this.stage = Stage.Kind;
    this.body = new Uint8Array(0);
    onBlob({ digest: this.digest, bytes }, index);
  }
}
