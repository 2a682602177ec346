import { describe, expect, it } from "vitest";
import { isPromotable, reachedRungs, rungResource } from "../../src/sweeps/asha.js";
import type { EarlyStoppingSpec } from "../../src/sweeps/sweep-spec.js";

const SPEC: EarlyStoppingSpec = {
  type: "asha",
  metric: "loss",
  minResource: 2,
  reductionFactor: 3,
};

describe("asynchronous successive halving", () => {
  it("puts rung k at min_resource · η^k", () => {
    expect([0, 1, 2].map((k) => rungResource(SPEC, k))).toEqual([2, 6, 18]);
  });

  it("takes a rung's value from the first point at or past its resource", () => {
    const points = [
      { step: 1, value: 9 },
      { step: 3, value: 5 },
      { step: 7, value: 4 },
      { step: 6, value: 4.5 },
    ];
    expect(reachedRungs(SPEC, points, 0)).toEqual([
      { rung: 0, value: 5 },
      { rung: 1, value: 4.5 },
    ]);
    expect(reachedRungs(SPEC, points, 1)).toEqual([{ rung: 1, value: 4.5 }]);
    expect(reachedRungs(SPEC, [{ step: 1, value: 9 }], 0)).toEqual([]);
  });

  it("keeps the best ⌊n/η⌋ (at least the best one) and never NaN", () => {
    const promote = (value: number, competing: number[], goal: "minimize" | "maximize") =>
      isPromotable({ value, competing, reductionFactor: 3, goal });
    expect(promote(0.5, [0.5], "minimize")).toBe(true);
    expect(promote(0.6, [0.5, 0.6], "minimize")).toBe(false);
    expect(promote(0.4, [0.5, 0.6, 0.4], "minimize")).toBe(true);
    expect(promote(0.5, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], "minimize")).toBe(false);
    expect(promote(0.2, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], "minimize")).toBe(true);
    expect(promote(0.5, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], "maximize")).toBe(true);
    expect(promote(0.4, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], "maximize")).toBe(false);
    expect(promote(Number.NaN, [Number.NaN], "minimize")).toBe(false);
    expect(promote(0.9, [Number.NaN, 0.9], "minimize")).toBe(true);
  });
});
