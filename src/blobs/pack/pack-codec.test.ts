import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BadRequestError, PayloadTooLargeError } from "../../domain/errors.js";
import { digestOf } from "../digest.js";
import { decodePack, encodePack, PACK_MAGIC, PackDecoder, packFrameHeader } from "./pack-codec.js";

const LIMITS = { maxBlobs: 1000, maxBlobBytes: 1 << 20 };
const blob = (size: number) => {
  const bytes = randomBytes(size);
  return { digest: digestOf(bytes), bytes };
};
const entries = [blob(70), blob(0), blob(1), blob(300), blob(37)];
const pack = encodePack(entries);

/** The pack cut into pieces of `size` bytes (the last shorter). */
function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

async function decodeAll(source: Iterable<Uint8Array>) {
  const out: { digest: string; bytes: Buffer }[] = [];
  for await (const e of decodePack(source, LIMITS)) {
    out.push({ digest: e.digest, bytes: Buffer.from(e.bytes) });
  }
  return out;
}

async function failureOf(source: Iterable<Uint8Array>, limits = LIMITS) {
  const seen: string[] = [];
  try {
    for await (const e of decodePack(source, limits)) seen.push(e.digest);
  } catch (error) {
    return { seen, error: error as Error };
  }
  throw new Error("decoded without a fault");
}

describe("pack codec", () => {
  it("decodes the same blobs however the stream is cut into pieces", async () => {
    for (const size of [1, 2, 7, 37, 38, 64, 100, pack.byteLength]) {
      expect(await decodeAll(pieces(pack, size))).toEqual(entries);
    }
    // Empty pieces anywhere, even after the end marker, are no bytes at all.
    const empty = new Uint8Array(0);
    expect(await decodeAll([empty, ...pieces(pack, 50), empty])).toEqual(entries);
  });

  it("puts each blob where the placer says, and only blobs of the asked size", () => {
    const home = new Uint8Array(1000);
    const seen: number[] = [];
    const decoder = new PackDecoder(LIMITS, (digest, size, index) => {
      expect(digest).toBe(entries[index]?.digest);
      // Blob 3 gets a home of the wrong size, so a buffer of its own.
      return index === 3
        ? home.subarray(0, size + 1)
        : home.subarray(index * 100, index * 100 + size);
    });
    for (const piece of pieces(pack, 33)) {
      decoder.push(piece, (entry, index) => {
        seen.push(index);
        expect(Buffer.from(entry.bytes)).toEqual(entries[index]?.bytes);
        if (index !== 3) expect(entry.bytes.buffer).toBe(home.buffer);
        else expect(entry.bytes.buffer).not.toBe(home.buffer);
      });
    }
    decoder.end();
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(Buffer.from(home.subarray(0, 70))).toEqual(entries[0]?.bytes);
  });

  it("refuses a malformed pack after handing out the blobs before the fault", async () => {
    const cases: [Uint8Array, RegExp, number][] = [
      [Buffer.from("LSPACK2\n\0"), /must start with the LSPACK1 magic/, 0],
      [PACK_MAGIC.subarray(0, 5), /must start with the LSPACK1 magic/, 0],
      [pack.subarray(0, pack.byteLength - 1), /ended after 5 blobs without its end marker/, 5],
      [Buffer.concat([pack, Buffer.from([0])]), /bytes after its end marker/, 5],
      [
        Buffer.concat([pack.subarray(0, -1), Buffer.from([7])]),
        /Unknown frame type 7 at blob 5/,
        5,
      ],
      [pack.subarray(0, PACK_MAGIC.length + 1 + 70 + 10), /cut inside blob sha256:/, 0],
      [pack.subarray(0, PACK_MAGIC.length + 1 + 36 + 70 + 5), /inside the header of blob 1/, 1],
    ];
    for (const [bytes, message, before] of cases) {
      for (const size of [1, 13, bytes.byteLength]) {
        const { seen, error } = await failureOf(pieces(bytes, size));
        expect(error).toBeInstanceOf(BadRequestError);
        expect(error.message).toMatch(message);
        expect(seen).toEqual(entries.slice(0, before).map((e) => e.digest));
      }
    }
  });

  it("refuses a blob over the size limit before its bytes, and too many blobs", async () => {
    const big = Buffer.concat([PACK_MAGIC, packFrameHeader(entries[3]?.digest ?? "", 300)]);
    const tooBig = await failureOf([big], { maxBlobs: 10, maxBlobBytes: 299 });
    expect(tooBig.error).toBeInstanceOf(PayloadTooLargeError);
    expect(tooBig.error.message).toMatch(/is 300 bytes; at most 299/);
    const many = await failureOf([pack], { maxBlobs: 4, maxBlobBytes: 1000 });
    expect(many.error).toBeInstanceOf(PayloadTooLargeError);
    expect(many.seen).toHaveLength(4);
  });
});
