import type { HistoryPoint } from "../metric.js";
import type { Run, RunStatus } from "../run.js";

/** The five things a run's result depends on, in the order reports list them. */
export const FACTOR_NAMES = ["code", "data", "seed", "params", "environment"] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];

/** One thing that differs between run A (the recorded one) and run B. */
export interface Difference {
  item: string;
  a: string | null;
  b: string | null;
}

/** How likely an environment difference is to change a result. */
export type Likelihood = "high" | "medium" | "low";

export interface EnvironmentDifference extends Difference {
  likelihood: Likelihood;
}

/** `same`, or what differs. */
export type FactorResult = "same" | { differs: Difference[] };
export type Factors = Record<FactorName, FactorResult>;

/** An artifact as the server stored it. */
export interface ArtifactDigest {
  path: string;
  digest: string;
}

/** Everything about a recorded run that the comparison reads. */
export interface RunSnapshot {
  run: Pick<Run, "id" | "params" | "tags" | "inputs"> & {
    status?: RunStatus;
    capture?: Record<string, unknown>;
  };
  /** Each metric's full history, in step order. */
  metrics: Record<string, HistoryPoint[]>;
  artifacts: ArtifactDigest[];
}

export type MetricStatus =
  | "identical"
  | "within_tolerance"
  | "within_noise"
  | "diverged"
  | "missing"
  | "added";

/** Where a metric's history first split, and by how much. */
export interface MetricDivergence {
  step: number;
  /** The position in the history: 0 when the very first point differs. */
  index: number;
  a: number | null;
  b: number | null;
  /** |a - b| / max(|a|, |b|); 1 when one side has no value there. */
  relative: number;
}

export interface MetricComparison {
  key: string;
  status: MetricStatus;
  /** Points compared (the longer history's length). */
  points: number;
  /** The largest relative difference over the whole history. */
  maxRelative: number;
  firstDivergence: MetricDivergence | null;
  /** The last value of each side. */
  a: number | null;
  b: number | null;
}

export type ArtifactStatus = "identical" | "differs" | "missing" | "added";

export interface ArtifactComparison {
  path: string;
  status: ArtifactStatus;
  a: string | null;
  b: string | null;
}

export type Verdict = "identical" | "within_tolerance" | "diverged" | "not_reproducible";

/** Each metric's final value over several seeds (`reproduce --seeds N`). */
export interface MetricSpread {
  key: string;
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** The recorded run's final value, and whether it lies in [min, max]. */
  original: number | null;
  originalWithin: boolean;
}
