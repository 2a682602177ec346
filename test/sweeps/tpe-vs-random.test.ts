import { describe, expect, it } from "vitest";
import { BRANIN, HARTMANN6, simulateSweep } from "../../bench/support/sweep-test-functions.js";

describe("tpe against random search", () => {
  it.each([
    [BRANIN, 60],
    [HARTMANN6, 80],
  ])("finds a better optimum of %s in the majority of 10 seeds", (fn, trials) => {
    let wins = 0;
    for (let seed = 100; seed < 110; seed++) {
      const random = simulateSweep({ fn, method: "random", seed, trials });
      const tpe = simulateSweep({ fn, method: "tpe", seed, trials });
      expect(tpe).toBeGreaterThanOrEqual(fn.optimum - 1e-4);
      if (tpe < random) wins++;
    }
    expect(wins).toBeGreaterThan(5);
  });
});
