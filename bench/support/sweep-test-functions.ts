import { parseSweepSpec } from "../../src/sweeps/parse-sweep-spec.js";
import { proposeParams } from "../../src/sweeps/propose-params.js";
import type { SweepMethod, TrialObservation, TrialParams } from "../../src/sweeps/sweep-spec.js";

/** A standard test function to minimise, with its search space and known optimum. */
export interface TestFunction {
  name: string;
  parameters: Record<string, { distribution: string; min: number; max: number }>;
  optimum: number;
  f(params: TrialParams): number;
}

/** Branin-Hoo on [-5, 10] × [0, 15]; global minimum 0.397887 at three points. */
export const BRANIN: TestFunction = {
  name: "Branin",
  parameters: {
    x1: { distribution: "uniform", min: -5, max: 10 },
    x2: { distribution: "uniform", min: 0, max: 15 },
  },
  optimum: 0.397887,
  f(p) {
    const x1 = p.x1 as number;
    const x2 = p.x2 as number;
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
};

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

/** Hartmann 6-d on [0, 1]^6; global minimum -3.32237. */
export const HARTMANN6: TestFunction = {
  name: "Hartmann-6",
  parameters: Object.fromEntries(
    Array.from({ length: 6 }, (_, i) => [`x${i}`, { distribution: "uniform", min: 0, max: 1 }]),
  ),
  optimum: -3.32237,
  f(p) {
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) {
        inner +=
          (H6_A[i]?.[j] as number) * ((p[`x${j}`] as number) - (H6_P[i]?.[j] as number)) ** 2;
      }
      sum += (H6_ALPHA[i] as number) * Math.exp(-inner);
    }
    return -sum;
  },
};

/**
 * Runs a whole sweep in-process, one trial after another, through the same
 * samplers the server uses; returns the best value found.
 */
export function simulateSweep(input: {
  fn: TestFunction;
  method: SweepMethod;
  seed: number;
  trials: number;
}): number {
  const spec = parseSweepSpec({
    command: "none",
    method: input.method,
    seed: input.seed,
    objective: { metric: "y", goal: "minimize" },
    budget: { max_trials: input.trials },
    parameters: input.fn.parameters,
  });
  const history: TrialObservation[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < input.trials; i++) {
    const params = proposeParams(spec, i, history);
    const objective = input.fn.f(params);
    history.push({ params, objective });
    best = Math.min(best, objective);
  }
  return best;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
