/** A parameter's search space: what a sampler may choose for it. */
export type ParameterSpec =
  | { kind: "constant"; value: string | number | boolean }
  /** A list of values: enumerated by grid, drawn as categories by random and tpe. */
  | { kind: "values"; values: (string | number | boolean)[] }
  | { kind: "categorical"; values: (string | number | boolean)[] }
  | { kind: "uniform"; min: number; max: number }
  | { kind: "log_uniform"; min: number; max: number }
  | { kind: "int_uniform"; min: number; max: number };

export const SWEEP_METHODS = ["grid", "random", "tpe"] as const;
export type SweepMethod = (typeof SWEEP_METHODS)[number];

export type ObjectiveGoal = "minimize" | "maximize";

export interface EarlyStoppingSpec {
  type: "asha";
  /** The intermediate metric; default is the objective's metric. */
  metric: string;
  /** The first rung's resource (the metric's step). */
  minResource: number;
  /** η: a trial continues past a rung when it is in the top 1/η there. */
  reductionFactor: number;
}

/** A validated sweep description (parse-sweep-spec.ts makes one from YAML or JSON). */
export interface SweepSpec {
  name?: string;
  experiment: string;
  /** The trial command, program first. */
  command: string[];
  /** In the file's order; grid enumerates them in this order (the last changes fastest). */
  parameters: Record<string, ParameterSpec>;
  method: SweepMethod;
  objective: { metric: string; goal: ObjectiveGoal };
  budget: { maxTrials: number; maxParallel: number };
  earlyStopping?: EarlyStoppingSpec;
  /** The root seed; trial i's seed is deriveSeed(seed, "trial-<i>"). */
  seed: number;
  /** How long an agent's lease lasts without renewal; default is 60 s. */
  leaseMs: number;
}

/** A parameter value as chosen by a sampler. */
export type ParamValue = string | number | boolean;
export type TrialParams = Record<string, ParamValue>;

/** A finished trial, as the samplers that learn from history (tpe) see it. */
export interface TrialObservation {
  params: TrialParams;
  objective: number;
}
