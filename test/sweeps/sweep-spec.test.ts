import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveSeed } from "../../src/capture/seeds.js";
import { BadRequestError } from "../../src/domain/errors.js";
import { gridParams, gridSize } from "../../src/sweeps/grid-sampler.js";
import { parseSweepSpec, readSweepText } from "../../src/sweeps/parse-sweep-spec.js";
import { proposeParams } from "../../src/sweeps/propose-params.js";
import type { ParameterSpec } from "../../src/sweeps/sweep-spec.js";
import { trialSeed } from "../../src/sweeps/trial-seeds.js";

const BASE = {
  command: "python3 train.py",
  method: "random",
  objective: { metric: "loss", goal: "minimize" },
  budget: { max_trials: 5 },
  parameters: { lr: { distribution: "log_uniform", min: 1e-4, max: 1e-1 } },
};

function errorOf(raw: unknown): BadRequestError {
  try {
    parseSweepSpec(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return error as BadRequestError;
  }
  throw new Error("expected the spec to be refused");
}

describe("parseSweepSpec", () => {
  it("reads YAML with every kind of parameter", () => {
    const spec = parseSweepSpec(
      readSweepText(`
command: [python3, train.py]
experiment: digits
method: tpe
seed: 7
objective: {metric: val_acc, goal: maximize}
budget: {max_trials: 30, max_parallel: 2}
early_stopping: {type: asha, min_resource: 1, reduction_factor: 3}
parameters:
  lr: {distribution: log_uniform, min: 0.0001, max: 0.1}
  depth: {distribution: int_uniform, min: 2, max: 8}
  dropout: {distribution: uniform, min: 0, max: 0.5}
  kernel: [linear, rbf]
  solver: {distribution: categorical, values: [adam, sgd]}
  epochs: 10
  batch: {value: 32}
`),
    );
    expect(spec).toEqual({
      experiment: "digits",
      command: ["python3", "train.py"],
      method: "tpe",
      seed: 7,
      leaseMs: 60_000,
      objective: { metric: "val_acc", goal: "maximize" },
      budget: { maxTrials: 30, maxParallel: 2 },
      earlyStopping: { type: "asha", metric: "val_acc", minResource: 1, reductionFactor: 3 },
      parameters: {
        lr: { kind: "log_uniform", min: 0.0001, max: 0.1 },
        depth: { kind: "int_uniform", min: 2, max: 8 },
        dropout: { kind: "uniform", min: 0, max: 0.5 },
        kernel: { kind: "values", values: ["linear", "rbf"] },
        solver: { kind: "categorical", values: ["adam", "sgd"] },
        epochs: { kind: "constant", value: 10 },
        batch: { kind: "constant", value: 32 },
      },
    });
  });

  it("reads JSON and sizes a grid's budget by its cross product", () => {
    const spec = parseSweepSpec(
      readSweepText(
        JSON.stringify({
          ...BASE,
          method: "grid",
          budget: undefined,
          parameters: { a: [1, 2, 3], b: ["x", "y"] },
        }),
      ),
    );
    expect(spec.budget).toEqual({ maxTrials: 6, maxParallel: 1_000_000 });
  });

  it.each([
    [{ ...BASE, method: "bayes" }, 'method: unknown method "bayes" (expected grid, random or tpe)'],
    [{ ...BASE, parameters: {} }, "parameters: the search space is empty"],
    [{ ...BASE, parameters: undefined }, "parameters: the search space is empty"],
    [
      { ...BASE, parameters: { lr: { distribution: "uniform", min: 2, max: 1 } } },
      "parameters.lr.min: min 2 is greater than max 1",
    ],
    [
      { ...BASE, parameters: { lr: { distribution: "log_uniform", min: 0, max: 1 } } },
      "parameters.lr.min: a log_uniform range needs min > 0, got 0",
    ],
    [
      { ...BASE, parameters: { lr: { distribution: "log_uniform", min: -1, max: 1 } } },
      "parameters.lr.min: a log_uniform range needs min > 0, got -1",
    ],
    [
      { ...BASE, parameters: { n: { distribution: "int_uniform", min: 1.5, max: 3 } } },
      "parameters.n: an int_uniform range needs integer min and max",
    ],
    [{ ...BASE, parameters: { k: [] } }, "parameters.k: must hold at least one value"],
    [
      { ...BASE, parameters: { k: { distribution: "normal" } } },
      'parameters.k.distribution: unknown distribution "normal"',
    ],
    [
      { ...BASE, method: "grid" },
      "parameters.lr: method grid needs a list of values, not a log_uniform range",
    ],
    [
      { ...BASE, objective: { metric: "loss", goal: "lowest" } },
      'objective.goal: must be minimize or maximize, got "lowest"',
    ],
    [{ ...BASE, objective: undefined }, "objective: must be {metric, goal}"],
    [{ ...BASE, budget: {} }, "budget.max_trials: is required for method random"],
    [
      { ...BASE, budget: { max_trials: 0 } },
      "budget.max_trials: must be a positive integer, got 0",
    ],
    [{ ...BASE, command: [] }, "command: must be a command line or a non-empty list of strings"],
    [{ ...BASE, seed: -1 }, "seed: must be an integer from 0 to 4294967295"],
    [
      { ...BASE, early_stopping: { type: "hyperband" } },
      'early_stopping.type: unknown type "hyperband" (expected asha)',
    ],
    [
      { ...BASE, early_stopping: { type: "asha", reduction_factor: 1 } },
      "early_stopping.reduction_factor: must be an integer of at least 2",
    ],
    [{ ...BASE, paramters: {} }, "paramters: unknown key"],
  ])("refuses a bad spec, naming the key (%#)", (raw, message) => {
    const error = errorOf(raw);
    expect(error.message).toContain(message);
    expect(error.message.startsWith("invalid sweep spec: ")).toBe(true);
  });

  it("lists every problem at once", () => {
    const error = errorOf({ ...BASE, method: "bayes", seed: "x", parameters: {} });
    expect(error.issues?.map((i) => i.path)).toEqual(["method", "parameters", "seed"]);
  });

  it("refuses text that is neither YAML nor JSON", () => {
    expect(() => readSweepText("a: [1, 2")).toThrow(/invalid sweep spec: not YAML or JSON/);
    // One line, naming where: the CLI prints one `error:` line.
    expect(() => readSweepText("{bad\n")).toThrow(
      /^invalid sweep spec: not YAML or JSON \([^\n]*line 2, column 1\)$/,
    );
  });
});

describe("samplers", () => {
  const valuesArb = fc.uniqueArray(fc.integer({ min: -50, max: 50 }), {
    minLength: 1,
    maxLength: 4,
  });

  it("grid enumerates exactly the cross product, each point once", () => {
    fc.assert(
      fc.property(fc.array(valuesArb, { minLength: 1, maxLength: 4 }), (lists) => {
        const parameters: Record<string, ParameterSpec> = Object.fromEntries(
          lists.map((values, i) => [`p${i}`, { kind: "values", values }]),
        );
        const size = gridSize(parameters);
        expect(size).toBe(lists.reduce((n, l) => n * l.length, 1));
        const seen = new Set<string>();
        for (let i = 0; i < size; i++) seen.add(JSON.stringify(gridParams(parameters, i)));
        expect(seen.size).toBe(size);
        const product = lists.reduce<number[][]>(
          (acc, values) => acc.flatMap((prefix) => values.map((v) => [...prefix, v])),
          [[]],
        );
        expect([...seen].sort()).toEqual(
          product
            .map((combo) => JSON.stringify(Object.fromEntries(combo.map((v, i) => [`p${i}`, v]))))
            .sort(),
        );
      }),
    );
  });

  it("random is reproducible from the sweep seed and differs across seeds", () => {
    const spec = parseSweepSpec({
      ...BASE,
      seed: 11,
      parameters: {
        lr: { distribution: "log_uniform", min: 1e-4, max: 1e-1 },
        depth: { distribution: "int_uniform", min: 2, max: 8 },
        kernel: ["linear", "rbf", "poly"],
      },
    });
    const draws = (s: typeof spec) => Array.from({ length: 20 }, (_, i) => proposeParams(s, i, []));
    const first = draws(spec);
    expect(draws(spec)).toEqual(first);
    expect(draws({ ...spec, seed: 12 })).not.toEqual(first);
    for (const p of first) {
      expect(p.lr).toBeGreaterThanOrEqual(1e-4);
      expect(p.lr).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(p.depth)).toBe(true);
      expect(["linear", "rbf", "poly"]).toContain(p.kernel);
    }
    expect(new Set(first.map((p) => p.depth)).size).toBeGreaterThan(3);
  });

  it("tpe is reproducible given the same history and stays inside the space", () => {
    const spec = parseSweepSpec({
      ...BASE,
      method: "tpe",
      parameters: {
        x: { distribution: "uniform", min: -5, max: 5 },
        n: { distribution: "int_uniform", min: 1, max: 4 },
        c: { distribution: "categorical", values: ["a", "b"] },
        lr: { distribution: "log_uniform", min: 1e-3, max: 1 },
      },
    });
    const history = Array.from({ length: 15 }, (_, i) => {
      const params = proposeParams(spec, i, []);
      return { params, objective: (params.x as number) ** 2 };
    });
    const a = proposeParams(spec, 15, history);
    expect(proposeParams(spec, 15, history)).toEqual(a);
    expect(a.x).toBeGreaterThanOrEqual(-5);
    expect(a.x).toBeLessThanOrEqual(5);
    expect([1, 2, 3, 4]).toContain(a.n);
    expect(["a", "b"]).toContain(a.c);
  });

  it("derives trial seeds from the root seed and the label trial-<index>", () => {
    expect(trialSeed(7, 3)).toBe(deriveSeed(7, "trial-3"));
    expect(trialSeed(7, 3)).not.toBe(trialSeed(7, 4));
  });
});
