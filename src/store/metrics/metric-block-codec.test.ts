import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BlockPoint,
  copyColumnInto,
  decodeBlock,
  decodeColumn,
  decodeColumnPortable,
  encodeBlock,
  encodeColumnPortable,
} from "./metric-block-codec.js";

const special = fc.constantFrom(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
);
const value = fc.oneof(fc.double(), special);
const step = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.maxSafeInteger(),
  fc.constantFrom(0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
);
const point = fc.record({ step, value, timestamp: fc.maxSafeInteger() });

/** Bit-exact comparison: Object.is tells -0 from 0 and NaN equals NaN. */
function bitsOf(x: number): string {
  return Buffer.from(new Float64Array([x]).buffer).toString("hex");
}

function roundTrip(points: BlockPoint[]) {
  const block = encodeBlock(points);
  // Simulate what drivers hand back: fresh Buffers, copied out of the row.
  return decodeBlock({
    count: block.count,
    steps: Buffer.from(block.steps),
    vals: Buffer.from(block.vals),
    times: Buffer.from(block.times),
  });
}

describe("metric block codec", () => {
  it("round-trips every float64 bit pattern of points, in order", () => {
    fc.assert(
      fc.property(fc.array(point, { maxLength: 200 }), (points) => {
        const cols = roundTrip(points);
        expect(cols.steps.length).toBe(points.length);
        points.forEach((p, i) => {
          expect(bitsOf(cols.vals[i] as number)).toBe(bitsOf(p.value));
          expect(Object.is(cols.steps[i], p.step)).toBe(true);
          expect(cols.times[i]).toBe(p.timestamp);
        });
      }),
    );
  });

  it("records the step range and the count", () => {
    const block = encodeBlock([
      { step: 7, value: 1, timestamp: 1 },
      { step: 2 ** 53 - 1, value: Number.NaN, timestamp: 2 },
      { step: 3, value: -0, timestamp: 3 },
    ]);
    expect([block.count, block.stepMin, block.stepMax]).toEqual([3, 3, 2 ** 53 - 1]);
    expect(block.steps.byteLength).toBe(24);
    // Little-endian on the wire: 1.0 is 00..f0 3f.
    expect(encodeBlock([{ step: 1, value: 1, timestamp: 1 }]).vals.toString("hex")).toBe(
      "000000000000f03f",
    );
  });

  it("decodes bytes at any alignment, as pooled driver buffers arrive", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 50 }), fc.nat(15), (vals, shift) => {
        const encoded = encodeColumnPortable(Float64Array.from(vals));
        const host = new Uint8Array(encoded.byteLength + 16);
        host.set(encoded, shift);
        const decoded = decodeColumn(host.subarray(shift, shift + encoded.byteLength));
        expect([...decoded].map(bitsOf)).toEqual(vals.map(bitsOf));
      }),
    );
  });

  it("agrees with the portable (DataView) path used on big-endian hosts", () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 50 }), (vals) => {
        const column = Float64Array.from(vals);
        const fast = encodeBlock(vals.map((v) => ({ step: 0, value: v, timestamp: 0 }))).vals;
        expect(encodeColumnPortable(column).equals(fast)).toBe(true);
        expect([...decodeColumnPortable(fast)].map(bitsOf)).toEqual(vals.map(bitsOf));
      }),
    );
  });

  it("gathers columns into a larger array from unaligned sources", () => {
    const target = new Float64Array(5);
    const src = Buffer.alloc(17);
    encodeColumnPortable(new Float64Array([-0, Number.NEGATIVE_INFINITY])).copy(src, 1);
    copyColumnInto(target, 2, src.subarray(1));
    expect(Object.is(target[2], -0)).toBe(true);
    expect(target[3]).toBe(Number.NEGATIVE_INFINITY);
    expect(() => copyColumnInto(target, 4, src.subarray(1))).toThrow(/does not fit/);
  });

  it("rejects columns that are not whole float64 arrays or disagree with count", () => {
    expect(() => decodeColumn(new Uint8Array(12))).toThrow(/not a float64 array/);
    const block = encodeBlock([{ step: 1, value: 2, timestamp: 3 }]);
    expect(() => decodeBlock({ ...block, count: 2 })).toThrow(/corrupt metric block/);
    expect(() =>
      decodeBlock({ count: 1, steps: block.steps, vals: Buffer.alloc(16), times: block.times }),
    ).toThrow(/corrupt metric block/);
  });
});
