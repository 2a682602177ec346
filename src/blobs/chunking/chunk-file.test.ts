import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pseudoRandomBytes } from "../../../test/support/test-bytes.js";
import { digestOf } from "../digest.js";
import { chunkFile, type FileChunk } from "./chunk-file.js";
import { ChunkWorkerPool } from "./chunk-worker-pool.js";
import { chunkBoundaries } from "./chunker.js";
import { chunkerParamsFor } from "./chunker-params.js";

const SMALL = chunkerParamsFor({ minSize: 256, avgSize: 1024, maxSize: 4096 });

let dir: string;
let pool: ChunkWorkerPool;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lockstep-chunk-file-"));
  pool = new ChunkWorkerPool(2);
});
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

function expected(bytes: Uint8Array): FileChunk[] {
  let offset = 0;
  return chunkBoundaries(bytes, SMALL).map((end) => {
    const chunk = { offset, size: end - offset, digest: digestOf(bytes.subarray(offset, end)) };
    offset = end;
    return chunk;
  });
}

/** Random stretches, zero runs (which never re-synchronise) and repeats of earlier bytes. */
const fileBytes = fc
  .array(
    fc.tuple(fc.constantFrom("random", "zeros", "repeat"), fc.integer({ min: 1, max: 70_000 })),
    { maxLength: 6 },
  )
  .chain((pieces) =>
    fc.integer().map((seed) => {
      const parts: Uint8Array[] = [];
      for (const [kind, length] of pieces) {
        if (kind === "zeros") parts.push(new Uint8Array(length));
        else if (kind === "random" || parts.length === 0) {
          parts.push(pseudoRandomBytes(length, seed + parts.length));
        } else parts.push(parts[parts.length - 1]?.subarray(0, length) ?? new Uint8Array());
      }
      return Buffer.concat(parts);
    }),
  );

describe("chunkFile", () => {
  it("gives exactly the single-pass chunks when segments are chunked in parallel", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fileBytes, fc.integer({ min: 16_384, max: 40_000 }), async (bytes, seg) => {
        const path = join(dir, `f${n++}`);
        writeFileSync(path, bytes);
        const want = expected(bytes);
        const progress: number[] = [];
        const got = await chunkFile(path, {
          size: bytes.length,
          params: SMALL,
          pool,
          segmentSize: seg,
          onProgress: (done) => progress.push(done),
        });
        expect(got).toEqual(want);
        if (bytes.length > 0) expect(progress.at(-1)).toBe(bytes.length);
        const serial = await chunkFile(path, { size: bytes.length, params: SMALL });
        expect(serial).toEqual(want);
      }),
      { numRuns: 40 },
    );
  });

  it("handles files past the small-file cut-off with the default parameters", async () => {
    const bytes = Buffer.concat([pseudoRandomBytes(3_000_000, 3), new Uint8Array(1_500_000)]);
    const path = join(dir, "big");
    writeFileSync(path, bytes);
    const got = await chunkFile(path, { size: bytes.length, pool, segmentSize: 1 << 20 });
    expect(got).toEqual(await chunkFile(path, { size: bytes.length }));
    const joined = Buffer.concat(got.map((c) => bytes.subarray(c.offset, c.offset + c.size)));
    expect(joined.equals(bytes)).toBe(true);
  });

  it("fails with the path when the file is missing or shorter than listed", async () => {
    const missing = join(dir, "missing");
    await expect(chunkFile(missing, { size: 10 })).rejects.toThrow(missing);
    const short = join(dir, "short");
    writeFileSync(short, "abc");
    await expect(chunkFile(short, { size: 2_000_000, pool })).rejects.toThrow(
      `File ${short} shrank while it was read`,
    );
  });
});
