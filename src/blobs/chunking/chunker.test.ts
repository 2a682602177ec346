import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pseudoRandomBytes } from "../../../test/support/test-bytes.js";
import { chunkBoundaries, chunkStream } from "./chunker.js";
import {
  type ChunkerParams,
  chunkerParamsFor,
  DEFAULT_CHUNKER_PARAMS,
  resolveChunkerParams,
} from "./chunker-params.js";

const SMALL = chunkerParamsFor({ minSize: 256, avgSize: 1024, maxSize: 4096 });

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

function spans(cuts: number[]): [number, number][] {
  return cuts.map((end, k) => [k === 0 ? 0 : (cuts[k - 1] as number), end]);
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

function splitAt(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  let k = 0;
  while (pos < bytes.length) {
    const size = sizes.length === 0 ? bytes.length : (sizes[k++ % sizes.length] as number);
    out.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}

const input = fc
  .tuple(fc.integer({ min: 0, max: 60_000 }), fc.integer(), fc.boolean())
  .map(([length, seed, lowEntropy]) => {
    const bytes = pseudoRandomBytes(length, seed);
    // Long runs of few values exercise the max-size cut path.
    if (lowEntropy) for (let i = 0; i < bytes.length; i++) bytes[i] = (bytes[i] as number) & 1;
    return bytes;
  });

describe("chunker", () => {
  it("is deterministic, covers the input exactly and keeps sizes within [min, max]", () => {
    fc.assert(
      fc.property(input, (bytes) => {
        const cuts = chunkBoundaries(bytes, SMALL);
        expect(chunkBoundaries(bytes, SMALL)).toEqual(cuts);
        expect(cuts.at(-1) ?? 0).toBe(bytes.length);
        const sizes = spans(cuts).map(([a, b]) => b - a);
        sizes.forEach((size, k) => {
          expect(size).toBeLessThanOrEqual(SMALL.maxSize);
          if (k < sizes.length - 1) expect(size).toBeGreaterThanOrEqual(SMALL.minSize);
          else expect(size).toBeGreaterThan(0);
        });
      }),
    );
  });

  it("cuts the same boundaries however the stream is split into reads", async () => {
    await fc.assert(
      fc.asyncProperty(
        input,
        fc.array(fc.integer({ min: 1, max: 9000 }), { maxLength: 5 }),
        async (bytes, sizes) => {
          const chunks = await collect(chunkStream(splitAt(bytes, sizes), SMALL));
          expect(Buffer.from(concat(chunks)).equals(bytes)).toBe(true);
          let end = 0;
          expect(chunks.map((c) => (end += c.length))).toEqual(chunkBoundaries(bytes, SMALL));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("re-synchronises after an insertion: chunks after the edit are shared", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 0, max: 40_000 }),
        fc.uint8Array({ minLength: 1, maxLength: 3000 }),
        (seed, at, inserted) => {
          const before = pseudoRandomBytes(80_000, seed);
          const after = concat([before.subarray(0, at), inserted, before.subarray(at)]);
          const newSpans = new Set(
            spans(chunkBoundaries(after, SMALL)).map(([a, b]) => `${a}:${b}`),
          );
          // Old chunks starting a few chunks past the edit are all still there, shifted.
          const tail = spans(chunkBoundaries(before, SMALL)).filter(
            ([a]) => a > at + 4 * SMALL.maxSize,
          );
          expect(tail.length).toBeGreaterThan(0);
          for (const [a, b] of tail) {
            expect(newSpans.has(`${a + inserted.length}:${b + inserted.length}`)).toBe(true);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it("uses the recorded parameters, so other sizes give other boundaries", () => {
    const bytes = pseudoRandomBytes(1_000_000, 7);
    const big = chunkBoundaries(bytes);
    const small = chunkBoundaries(bytes, SMALL);
    expect(small.length).toBeGreaterThan(big.length * 10);
    const recorded = JSON.parse(JSON.stringify(DEFAULT_CHUNKER_PARAMS)) as ChunkerParams;
    expect(chunkBoundaries(bytes, recorded)).toEqual(big);
  });

  it("refuses parameters it cannot reproduce", () => {
    const bad: [Partial<ChunkerParams>, RegExp][] = [
      [{ algorithm: "rabin" as "fastcdc-gear32" }, /algorithm "rabin"/],
      [{ version: 2 as 1 }, /version 2/],
      [{ gearTable: "other" }, /unknown gear table "other"/],
      [{ gearTableDigest: "sha256:00" }, /gear table digest/],
      [{ minSize: 70_000 }, /min < avg < max/],
      [{ maxSize: 1.5 }, /sizes must be integers/],
      [{ maskSmallBits: 40 }, /mask bits/],
    ];
    for (const [change, message] of bad) {
      expect(() => resolveChunkerParams({ ...DEFAULT_CHUNKER_PARAMS, ...change })).toThrow(message);
    }
  });
});
