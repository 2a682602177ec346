import {
  categoricalParzen,
  numericLogPdf,
  numericParzen,
  sampleCategorical,
  sampleNumeric,
} from "./parzen-estimator.js";
import type { Uniform } from "./random-sampler.js";
import type {
  ObjectiveGoal,
  ParameterSpec,
  ParamValue,
  TrialObservation,
  TrialParams,
} from "./sweep-spec.js";

/** Optuna's TPESampler defaults. */
export const TPE_DEFAULTS = { startupTrials: 10, eiCandidates: 24 } as const;

/** Optuna's default gamma: the best 10%, rounded up, at most 25. */
export function goodCount(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

type NumericSpec = Extract<ParameterSpec, { kind: "uniform" | "log_uniform" | "int_uniform" }>;

/** The space the estimator works in: log for log ranges, ints widened by half a step. */
function toInternal(spec: NumericSpec, value: number): number {
  return spec.kind === "log_uniform" ? Math.log(value) : value;
}

function internalBounds(spec: NumericSpec): [number, number] {
  if (spec.kind === "log_uniform") return [Math.log(spec.min), Math.log(spec.max)];
  if (spec.kind === "int_uniform") return [spec.min - 0.5, spec.max + 0.5];
  return [spec.min, spec.max];
}

function fromInternal(spec: NumericSpec, x: number): number {
  if (spec.kind === "log_uniform") return Math.min(Math.max(Math.exp(x), spec.min), spec.max);
  if (spec.kind === "int_uniform") return Math.min(Math.max(Math.round(x), spec.min), spec.max);
  return Math.min(Math.max(x, spec.min), spec.max);
}

function numericChoice(spec: NumericSpec, good: number[], bad: number[], next: Uniform): number {
  const [low, high] = internalBounds(spec);
  if (low === high) return spec.min;
  const l = numericParzen(
    good.map((v) => toInternal(spec, v)),
    low,
    high,
  );
  const g = numericParzen(
    bad.map((v) => toInternal(spec, v)),
    low,
    high,
  );
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < TPE_DEFAULTS.eiCandidates; i++) {
    const x = sampleNumeric(l, next);
    const score = numericLogPdf(l, x) - numericLogPdf(g, x);
    if (score > bestScore) {
      bestScore = score;
      best = x;
    }
  }
  return fromInternal(spec, best);
}

function categoricalChoice(
  values: ParamValue[],
  good: ParamValue[],
  bad: ParamValue[],
  next: Uniform,
): ParamValue {
  const index = (vs: ParamValue[]) => vs.map((v) => values.indexOf(v)).filter((i) => i >= 0);
  const l = categoricalParzen(index(good), values.length);
  const g = categoricalParzen(index(bad), values.length);
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < TPE_DEFAULTS.eiCandidates; i++) {
    const c = sampleCategorical(l, next);
    const score = Math.log(l[c] as number) - Math.log(g[c] as number);
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return values[best] as ParamValue;
}

/**
 * A tree-structured Parzen estimator in Optuna's style (independent per
 * parameter): the history, in trial order, is split into the best
 * `goodCount(n)` trials and the rest; each parameter gets a Parzen estimator
 * l(x) over the good ones and g(x) over the rest; 24 candidates are drawn from
 * l and the one with the largest l(x)/g(x) — the expected-improvement
 * maximiser — is chosen. Call only with at least TPE_DEFAULTS.startupTrials
 * observations; fewer are better served by random sampling.
 */
export function tpeParams(input: {
  parameters: Record<string, ParameterSpec>;
  history: TrialObservation[];
  goal: ObjectiveGoal;
  next: Uniform;
}): TrialParams {
  const { parameters, history, goal, next } = input;
  const sign = goal === "minimize" ? 1 : -1;
  const ranked = history
    .map((h, i) => ({ i, score: sign * h.objective }))
    .sort((a, b) => a.score - b.score || a.i - b.i);
  const goodSet = new Set(ranked.slice(0, goodCount(history.length)).map((r) => r.i));
  const good = history.filter((_, i) => goodSet.has(i));
  const bad = history.filter((_, i) => !goodSet.has(i));
  const params: TrialParams = {};
  for (const [name, spec] of Object.entries(parameters)) {
    const valuesOf = (group: TrialObservation[]) =>
      group.map((h) => h.params[name]).filter((v): v is ParamValue => v !== undefined);
    if (spec.kind === "constant") {
      params[name] = spec.value;
    } else if (spec.kind === "values" || spec.kind === "categorical") {
      params[name] = categoricalChoice(spec.values, valuesOf(good), valuesOf(bad), next);
    } else {
      const numbers = (group: TrialObservation[]) =>
        valuesOf(group).filter((v): v is number => typeof v === "number");
      params[name] = numericChoice(spec, numbers(good), numbers(bad), next);
    }
  }
  return params;
}
