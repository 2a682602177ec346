import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HistoryPoint } from "../../domain/metric.js";
import { downsampleBlocks, type RangedBlock, type StepRange } from "./metric-downsampler.js";

interface P extends HistoryPoint {
  g: number;
}

/** The obvious, slow version: sort, bucket, pick; what the one-pass loop must equal. */
function reference(points: P[], maxPoints: number, range: StepRange): HistoryPoint[] {
  const inside = points.filter((p) => p.step >= range.start && p.step <= range.end);
  const order = (a: P, b: P) => a.step - b.step || a.timestamp - b.timestamp || a.g - b.g;
  const strip = (p: P): HistoryPoint => ({ value: p.value, step: p.step, timestamp: p.timestamp });
  if (inside.length <= maxPoints) return [...inside].sort(order).map(strip);
  const steps = inside.map((p) => p.step);
  const times = inside.map((p) => p.timestamp);
  let axis = (p: P) => p.step;
  let [lo, hi] = [Math.min(...steps), Math.max(...steps)];
  if (hi === lo) {
    axis = (p) => p.timestamp;
    [lo, hi] = [Math.min(...times), Math.max(...times)];
    if (hi === lo) {
      axis = (p) => p.g;
      [lo, hi] = [0, points.length - 1];
    }
  }
  const pickWith = (buckets: number) => {
    const groups: P[][] = Array.from({ length: buckets }, () => []);
    for (const p of inside) {
      const b = Math.min(buckets - 1, Math.floor((axis(p) - lo) * (buckets / (hi - lo || 1))));
      groups[b]?.push(p);
    }
    const lists: P[][] = [[], [], [], [], []];
    for (const g of groups) {
      if (g.length === 0) continue;
      const sorted = [...g].sort(order);
      const real = g.filter((p) => !Number.isNaN(p.value));
      const byValue = (pickBetter: (a: number, b: number) => boolean) =>
        real.reduce<P | undefined>(
          (m, p) => (!m || pickBetter(p.value, m.value) ? p : m),
          undefined,
        );
      const max = byValue((a, b) => a > b);
      const min = byValue((a, b) => a < b);
      const nan = g.find((p) => Number.isNaN(p.value));
      [max, min, nan, sorted[0], sorted.at(-1)].forEach((p, k) => {
        if (p) lists[k]?.push(p);
      });
    }
    return [...new Set(lists.flat())];
  };
  const budget = Math.max(1, maxPoints);
  let picked = pickWith(Math.max(1, Math.floor(budget / 4)));
  if (picked.length > budget) picked = pickWith(Math.max(1, Math.floor(budget / 5)));
  return picked.slice(0, budget).sort(order).map(strip);
}

const pointArb = fc.record({
  step: fc.integer({ min: 0, max: 40 }),
  timestamp: fc.integer({ min: 0, max: 5 }),
  value: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -50, max: 50 }) },
    { weight: 2, arbitrary: fc.constant(Number.NaN) },
    { weight: 1, arbitrary: fc.constantFrom(Number.POSITIVE_INFINITY, -0) },
  ),
});

function toBlocks(points: HistoryPoint[], cuts: number[]): RangedBlock[] {
  const bounds = [...new Set([0, ...cuts.map((c) => c % (points.length + 1)), points.length])];
  bounds.sort((a, b) => a - b);
  const blocks: RangedBlock[] = [];
  for (let k = 1; k < bounds.length; k++) {
    const part = points.slice(bounds[k - 1], bounds[k]);
    const steps = Float64Array.from(part.map((p) => p.step));
    blocks.push({
      steps,
      vals: Float64Array.from(part.map((p) => p.value)),
      times: Float64Array.from(part.map((p) => p.timestamp)),
      stepMin: Math.min(...steps),
      stepMax: Math.max(...steps),
    });
  }
  return blocks;
}

describe("downsampleBlocks", () => {
  it("equals sort-bucket-pick on any input, block split, range and budget", () => {
    fc.assert(
      fc.property(
        fc.array(pointArb, { maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 1, max: 60 }),
        fc.option(fc.tuple(fc.integer({ min: -5, max: 45 }), fc.nat(45))),
        fc.boolean(),
        (raw, cuts, maxPoints, span, sameStep) => {
          const points = raw.map((p, g) => ({ ...p, step: sameStep ? 7 : p.step, g }));
          const range = span
            ? { start: span[0], end: span[0] + span[1] }
            : { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY };
          const got = downsampleBlocks(toBlocks(points, cuts), maxPoints, range);
          expect(got).toEqual(reference(points, maxPoints, range));
          expect(got.length).toBeLessThanOrEqual(maxPoints);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("keeps a lone spike and a lone NaN among a million points", () => {
    const n = 1_000_000;
    const steps = new Float64Array(n).map((_, i) => i);
    const vals = new Float64Array(n).map((_, i) => Math.cos(i));
    vals[424_242] = 1e300;
    vals[31_337] = Number.NaN;
    const block = { steps, vals, times: steps, stepMin: 0, stepMax: n - 1 };
    const out = downsampleBlocks([block], 2000, { start: 0, end: Number.POSITIVE_INFINITY });
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(out).toContainEqual({ value: 1e300, step: 424_242, timestamp: 424_242 });
    expect(out).toContainEqual({ value: Number.NaN, step: 31_337, timestamp: 31_337 });
  });
});
