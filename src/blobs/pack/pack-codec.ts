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
const HEADER_BYTES = 1 + 32 + 4;

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
  const reader = new ByteReader(source);
  const magic = await reader.take(PACK_MAGIC.length);
  if (!magic || !Buffer.from(magic).equals(PACK_MAGIC)) {
    throw new BadRequestError("Not a blob pack: it must start with the LSPACK1 magic line");
  }
  for (let count = 0; ; count++) {
    const kind = await reader.take(1);
    if (!kind)
      throw new BadRequestError(`The pack ended after ${count} blobs without its end marker`);
    if (kind[0] === END) {
      if (await reader.take(1))
        throw new BadRequestError("The pack has bytes after its end marker");
      return;
    }
    if (kind[0] !== FRAME) {
      throw new BadRequestError(`Unknown frame type ${kind[0]} at blob ${count} of the pack`);
    }
    if (count >= limits.maxBlobs) {
      throw new PayloadTooLargeError(`A pack holds at most ${limits.maxBlobs} blobs`);
    }
    const header = await reader.take(HEADER_BYTES - 1);
    if (!header) throw new BadRequestError(`The pack was cut inside the header of blob ${count}`);
    const head = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
    const digest = formatDigest(head.toString("hex", 0, 32));
    const size = head.readUInt32BE(32);
    if (size > limits.maxBlobBytes) {
      throw new PayloadTooLargeError(
        `Blob ${digest} in the pack is ${size} bytes; at most ${limits.maxBlobBytes} are allowed`,
      );
    }
    const bytes = await reader.take(size);
    if (!bytes) throw new BadRequestError(`The pack was cut inside blob ${digest}`);
    yield { digest, bytes };
  }
}

/** Exact-length reads over a stream of buffers, copying only when a read spans two. */
class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private current: Uint8Array = new Uint8Array(0);
  private at = 0;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.iterator =
      Symbol.asyncIterator in source
        ? source[Symbol.asyncIterator]()
        : (async function* () {
            yield* source;
          })();
  }

  /** Exactly `n` bytes, or undefined when the stream ends first. */
  async take(n: number): Promise<Uint8Array | undefined> {
    const left = this.current.byteLength - this.at;
    if (left >= n) {
      const out = this.current.subarray(this.at, this.at + n);
      this.at += n;
      return out;
    }
    // Every byte is overwritten below (or the result dropped), so no zero-fill.
    const out = Buffer.allocUnsafeSlow(n);
    let filled = 0;
    if (left > 0) {
      out.set(this.current.subarray(this.at), 0);
      filled = left;
    }
    this.at = this.current.byteLength;
    while (filled < n) {
      const next = await this.iterator.next();
      if (next.done) return n === 0 ? out : undefined;
      const chunk = next.value;
      const want = Math.min(n - filled, chunk.byteLength);
      out.set(chunk.subarray(0, want), filled);
      filled += want;
      this.current = chunk;
      this.at = want;
    }
    return out;
  }
}
