import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pseudoRandomBytes } from "../../../test/support/test-bytes.js";
import {
  chunkerParamsFor,
  DEFAULT_CHUNKER_PARAMS,
  resolveChunkerParams,
} from "./chunker-params.js";
import { findCut } from "./find-cut.js";
import { CUT_MODULE_BYTES, makeWasmCutter } from "./wasm-find-cut.js";

describe("WebAssembly cut search", () => {
  it("cuts exactly where the JavaScript findCut cuts", () => {
    const cutter = makeWasmCutter(CUT_MODULE_BYTES, findCut);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer(),
        fc.constantFrom(256, 1024, 8192, 65536),
        fc.integer({ min: 0, max: 3 }),
        (length, seed, avgSize, entropyBits) => {
          const params =
            avgSize === 65536
              ? DEFAULT_CHUNKER_PARAMS
              : chunkerParamsFor({ minSize: avgSize / 4, avgSize, maxSize: avgSize * 4 });
          const c = resolveChunkerParams(params);
          const js = pseudoRandomBytes(length, seed);
          if (entropyBits > 0)
            for (let i = 0; i < js.length; i++)
              js[i] = (js[i] as number) & ((1 << entropyBits) - 1);
          const wasm = cutter.scratch(length);
          wasm.set(js);
          let a = 0;
          let b = 0;
          while (a < length) {
            a = findCut(js, a, length, c);
            b = cutter.findCut(wasm, b, length, c);
            expect(b).toBe(a);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("falls back to JavaScript for buffers outside its memory", () => {
    const cutter = makeWasmCutter(CUT_MODULE_BYTES, findCut);
    const c = resolveChunkerParams(DEFAULT_CHUNKER_PARAMS);
    const bytes = pseudoRandomBytes(500_000, 3);
    expect(cutter.findCut(bytes, 0, bytes.length, c)).toBe(findCut(bytes, 0, bytes.length, c));
  });
});
