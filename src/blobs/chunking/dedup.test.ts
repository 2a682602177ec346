import { describe, expect, it } from "vitest";
import { pseudoRandomBytes } from "../../../test/support/test-bytes.js";
import { digestOf } from "../digest.js";
import { chunkBoundaries } from "./chunker.js";
import { DEFAULT_CHUNKER_PARAMS } from "./chunker-params.js";

const SIZE = 32 * 1024 * 1024;
const { avgSize, maxSize } = DEFAULT_CHUNKER_PARAMS;

function chunkDigests(bytes: Uint8Array): Map<string, number> {
  const out = new Map<string, number>();
  let start = 0;
  for (const end of chunkBoundaries(bytes)) {
    out.set(digestOf(bytes.subarray(start, end)), end - start);
    start = end;
  }
  return out;
}

function newBytes(base: Map<string, number>, next: Uint8Array): number {
  let total = 0;
  for (const [digest, size] of chunkDigests(next)) if (!base.has(digest)) total += size;
  return total;
}

/** The default parameters on 32 MiB: the 1 GiB figures are in bench/chunker.bench.ts. */
describe("deduplication with the default parameters", () => {
  const original = pseudoRandomBytes(SIZE, 42);
  const base = chunkDigests(original);

  it("stores about the edited bytes plus a chunk either side after scattered edits", () => {
    const edited = Buffer.from(original);
    const edits = 10;
    for (let k = 0; k < edits; k++) {
      edited.set(pseudoRandomBytes(102_400, k + 1), Math.floor((k + 0.3) * (SIZE / edits)));
    }
    const stored = newBytes(base, edited);
    expect(stored).toBeGreaterThanOrEqual(edits * 102_400);
    expect(stored).toBeLessThan(edits * (102_400 + 4 * avgSize));
  });

  it("stores one or two chunks after 100 bytes inserted at the start", () => {
    const next = Buffer.concat([pseudoRandomBytes(100, 5), original]);
    const stored = newBytes(base, next);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThanOrEqual(2 * maxSize);
  });

  it("stores the inserted bytes plus little after 1% inserted in the middle", () => {
    const inserted = SIZE / 100;
    const next = Buffer.concat([
      original.subarray(0, SIZE / 2),
      pseudoRandomBytes(inserted, 6),
      original.subarray(SIZE / 2),
    ]);
    const stored = newBytes(base, next);
    expect(stored).toBeGreaterThanOrEqual(inserted);
    expect(stored).toBeLessThanOrEqual(inserted + 2 * maxSize);
  });
});
