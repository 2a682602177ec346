import { InvalidArgumentError } from "commander";
import { isValidSeed, MAX_SEED } from "../../capture/root-seed.js";

/** What `lockstep run` was given (commander's parse of INTERFACE.md's table). */
export type RunOptions = {
  experiment: string;
  name?: string;
  seed?: number;
  param: string[];
  tag: string[];
  parent?: string;
  /** `reproduction` only from `lockstep reproduce`; the flag offers the others. */
  kind: "train" | "eval" | "inference" | "reproduction";
  output: string[];
  data: string[];
  model?: string;
};

/** Commander parser for `--seed N`. */
export function parseSeedOption(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !isValidSeed(seed)) {
    throw new InvalidArgumentError(`must be an integer from 0 to ${MAX_SEED}.`);
  }
  return seed;
}

/** Turns repeated `K=V` options into a record; a missing `=` or key is a usage error. */
export function keyValues(what: string, items: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new InvalidArgumentError(`--${what} '${item}': expected KEY=VALUE.`);
    record[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return record;
}

/** The per-run variables of INTERFACE.md, on top of the inherited and determinism ones. */
export function childEnvironment(input: {
  base: NodeJS.ProcessEnv;
  determinism: Record<string, string>;
  trackingUri: string;
  runId: string;
  experimentId: string;
  params: Record<string, string>;
  metricsFile: string;
}): NodeJS.ProcessEnv {
  return {
    ...input.base,
    ...input.determinism,
    LOCKSTEP_TRACKING_URI: input.trackingUri,
    LOCKSTEP_RUN_ID: input.runId,
    LOCKSTEP_PARAMS: JSON.stringify(input.params),
    LOCKSTEP_METRICS_FILE: input.metricsFile,
    MLFLOW_TRACKING_URI: input.trackingUri,
    MLFLOW_RUN_ID: input.runId,
    MLFLOW_EXPERIMENT_ID: input.experimentId,
  };
}

/** The inherited environment, with Python's output unbuffered so a pipe shows it live. */
export function baseEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, PYTHONUNBUFFERED: env.PYTHONUNBUFFERED ?? "1" };
}
