import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeNumber } from "./api-client.js";
import { encodeValue, MetricBlock, MetricBlockPool } from "./metric-block.js";

describe("MetricBlock", () => {
  it("encodes points as the batch route's series array, non-finite values as strings", () => {
    const block = new MetricBlock(4);
    const keys = [JSON.stringify("loss"), JSON.stringify('we"ird/ke y')];
    const points: [number, number, number, number][] = [
      [0, 0.5, 0, 1000],
      [1, Number.NaN, 1, 1001],
      [0, Number.POSITIVE_INFINITY, 2, 1002],
      [1, Number.NEGATIVE_INFINITY, 9_007_199_254_740_991, 1003],
    ];
    for (const [k, value, step, timestamp] of points) {
      const i = block.length++;
      block.keys[i] = k;
      block.values[i] = value;
      block.steps[i] = step;
      block.timestamps[i] = timestamp;
    }
    expect(JSON.parse(block.encodeSeries(keys))).toEqual([
      { key: "loss", values: [0.5, "Infinity"], steps: [0, 2], timestamps: [1000, 1002] },
      {
        key: 'we"ird/ke y',
        values: ["NaN", "-Infinity"],
        steps: [1, 9_007_199_254_740_991],
        timestamps: [1001, 1003],
      },
    ]);
  });

  it("encodes an empty block as an empty array", () => {
    expect(new MetricBlock(3).encodeSeries([])).toBe("[]");
  });

  it("writes values that survive a JSON round trip exactly", () => {
    for (const value of [0.1 + 0.2, -0, 1e-300, 5e-324, Number.MAX_VALUE, -123456.789]) {
      expect(JSON.parse(encodeValue(value))).toBe(Object.is(value, -0) ? 0 : value);
    }
  });
});

describe("MetricBlock encoding, for any input", () => {
  it("round-trips every double, step and key through JSON", () => {
    const point = fc.record({
      key: fc.stringMatching(/^[\w.\- :/]{1,20}$/),
      value: fc.double(),
      step: fc.maxSafeInteger(),
      timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 50 }), (points) => {
        const keys = [...new Set(points.map((p) => p.key))];
        const block = new MetricBlock(Math.max(1, points.length));
        for (const p of points) {
          const i = block.length++;
          block.keys[i] = keys.indexOf(p.key);
          block.values[i] = p.value;
          block.steps[i] = p.step;
          block.timestamps[i] = p.timestamp;
        }
        const series = JSON.parse(block.encodeSeries(keys.map((k) => JSON.stringify(k)))) as {
          key: string;
          values: (number | string)[];
          steps: number[];
          timestamps: number[];
        }[];
        // Back to points, in logging order within each key.
        const decoded = series.flatMap((s) =>
          s.values.map((v, j) => ({
            key: s.key,
            value: decodeNumber(v),
            step: s.steps[j],
            timestamp: s.timestamps[j],
          })),
        );
        const expected = keys.flatMap((k) => points.filter((p) => p.key === k));
        expect(decoded).toEqual(
          expected.map((p) => ({ ...p, value: Object.is(p.value, -0) ? 0 : p.value })),
        );
      }),
    );
  });
});

describe("MetricBlockPool", () => {
  it("hands back a returned block emptied, and keeps at most maxFree", () => {
    const pool = new MetricBlockPool(8, 1);
    const a = pool.take();
    a.length = 5;
    const b = pool.take();
    pool.give(a);
    pool.give(b);
    const again = pool.take();
    expect(again).toBe(a);
    expect(again.length).toBe(0);
    expect(pool.take()).not.toBe(b);
  });

  it("refuses blocks of another capacity", () => {
    const pool = new MetricBlockPool(8);
    const other = new MetricBlock(4);
    pool.give(other);
    expect(pool.take()).not.toBe(other);
  });
});
