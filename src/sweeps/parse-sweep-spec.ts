import { parse as parseYaml } from "yaml";
import { isValidSeed, MAX_SEED } from "../capture/seeds.js";
import { BadRequestError } from "../domain/errors.js";
import { gridSize } from "./grid-sampler.js";
import { type Issue, parseParameter } from "./parse-parameter.js";
import {
  type EarlyStoppingSpec,
  type ParameterSpec,
  SWEEP_METHODS,
  type SweepMethod,
  type SweepSpec,
} from "./sweep-spec.js";

const DEFAULT_LEASE_MS = 60_000;
const KNOWN_KEYS = new Set([
  "name",
  "experiment",
  "command",
  "parameters",
  "method",
  "objective",
  "budget",
  "early_stopping",
  "seed",
  "lease_ms",
]);

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function positiveInt(raw: unknown, path: string, issues: Issue[]): number | undefined {
  if (typeof raw === "number" && Number.isInteger(raw) && raw >= 1) return raw;
  issues.push({ path, message: `must be a positive integer, got ${JSON.stringify(raw)}` });
  return undefined;
}

function nonEmptyString(raw: unknown, path: string, issues: Issue[]): string | undefined {
  if (typeof raw === "string" && raw.trim() !== "") return raw;
  issues.push({ path, message: "must be a non-empty string" });
  return undefined;
}

/** Text of a sweep file, YAML or JSON (JSON is YAML too), to a plain value. */
export function readSweepText(text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    // The parser's message ends in a code frame over several lines: keep its first.
    const reason = ((error as Error).message.split("\n")[0] ?? "").replace(/:$/, "");
    throw new BadRequestError(`invalid sweep spec: not YAML or JSON (${reason})`);
  }
}

function parseCommand(raw: unknown, issues: Issue[]): string[] | undefined {
  if (typeof raw === "string" && raw.trim() !== "") return raw.trim().split(/\s+/);
  if (Array.isArray(raw) && raw.length > 0 && raw.every((a) => typeof a === "string") && raw[0]) {
    return raw as string[];
  }
  issues.push({
    path: "command",
    message: "must be a command line or a non-empty list of strings",
  });
  return undefined;
}

function parseParameters(raw: unknown, issues: Issue[]): Record<string, ParameterSpec> {
  const parameters: Record<string, ParameterSpec> = {};
  if (!isRecord(raw) || Object.keys(raw).length === 0) {
    issues.push({
      path: "parameters",
      message: "the search space is empty: name at least one parameter",
    });
    return parameters;
  }
  for (const [name, value] of Object.entries(raw)) {
    const parsed = parseParameter(value, `parameters.${name}`, issues);
    if (parsed) parameters[name] = parsed;
  }
  return parameters;
}

function parseObjective(raw: unknown, issues: Issue[]): SweepSpec["objective"] | undefined {
  if (!isRecord(raw)) {
    issues.push({ path: "objective", message: "must be {metric, goal}" });
    return undefined;
  }
  const metric = nonEmptyString(raw.metric, "objective.metric", issues);
  const goal = raw.goal ?? "minimize";
  if (goal !== "minimize" && goal !== "maximize") {
    issues.push({
      path: "objective.goal",
      message: `must be minimize or maximize, got ${JSON.stringify(goal)}`,
    });
    return undefined;
  }
  return metric === undefined ? undefined : { metric, goal };
}

function parseEarlyStopping(raw: unknown, objectiveMetric: string | undefined, issues: Issue[]) {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    issues.push({
      path: "early_stopping",
      message: "must be {type: asha, min_resource, reduction_factor}",
    });
    return undefined;
  }
  if (raw.type !== "asha") {
    issues.push({
      path: "early_stopping.type",
      message: `unknown type ${JSON.stringify(raw.type)} (expected asha)`,
    });
  }
  const metric =
    raw.metric === undefined
      ? objectiveMetric
      : nonEmptyString(raw.metric, "early_stopping.metric", issues);
  const minResource = raw.min_resource ?? 1;
  if (typeof minResource !== "number" || !(minResource > 0)) {
    issues.push({
      path: "early_stopping.min_resource",
      message: "must be a number greater than 0",
    });
  }
  const reductionFactor = raw.reduction_factor ?? 3;
  if (
    typeof reductionFactor !== "number" ||
    !Number.isInteger(reductionFactor) ||
    reductionFactor < 2
  ) {
    issues.push({
      path: "early_stopping.reduction_factor",
      message: "must be an integer of at least 2",
    });
  }
  if (raw.type !== "asha" || metric === undefined) return undefined;
  return { type: "asha", metric, minResource, reductionFactor } as EarlyStoppingSpec;
}

function parseBudget(raw: unknown, method: SweepMethod | undefined, issues: Issue[]) {
  const budget = isRecord(raw) ? raw : {};
  if (raw !== undefined && !isRecord(raw)) {
    issues.push({ path: "budget", message: "must be {max_trials, max_parallel}" });
  }
  let maxTrials = Number.POSITIVE_INFINITY;
  if (budget.max_trials !== undefined) {
    maxTrials = positiveInt(budget.max_trials, "budget.max_trials", issues) ?? 0;
  } else if (method === "random" || method === "tpe") {
    issues.push({ path: "budget.max_trials", message: `is required for method ${method}` });
  }
  const maxParallel =
    budget.max_parallel === undefined
      ? 1_000_000
      : (positiveInt(budget.max_parallel, "budget.max_parallel", issues) ?? 0);
  return { maxTrials, maxParallel };
}

/**
 * Checks a sweep description and returns it in its typed form; every problem
 * found is listed, each naming its key (`parameters.lr.min: ...`).
 */
export function parseSweepSpec(raw: unknown): SweepSpec {
  const issues: Issue[] = [];
  if (!isRecord(raw)) {
    throw new BadRequestError(
      "invalid sweep spec: expected a mapping of keys (command, parameters, method, ...)",
    );
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) issues.push({ path: key, message: "unknown key" });
  }
  const command = parseCommand(raw.command, issues);
  const methodRaw = raw.method ?? "random";
  const method = SWEEP_METHODS.includes(methodRaw as SweepMethod)
    ? (methodRaw as SweepMethod)
    : undefined;
  if (!method) {
    issues.push({
      path: "method",
      message: `unknown method ${JSON.stringify(methodRaw)} (expected grid, random or tpe)`,
    });
  }
  const parameters = parseParameters(raw.parameters, issues);
  if (method === "grid") {
    for (const [name, p] of Object.entries(parameters)) {
      if (p.kind !== "constant" && p.kind !== "values" && p.kind !== "categorical") {
        issues.push({
          path: `parameters.${name}`,
          message: `method grid needs a list of values, not a ${p.kind} range`,
        });
      }
    }
  }
  const objective = parseObjective(raw.objective, issues);
  const earlyStopping = parseEarlyStopping(raw.early_stopping, objective?.metric, issues);
  const budget = parseBudget(raw.budget, method, issues);
  const seed = raw.seed ?? 0;
  if (!isValidSeed(seed))
    issues.push({ path: "seed", message: `must be an integer from 0 to ${MAX_SEED}` });
  const leaseMs =
    raw.lease_ms === undefined ? DEFAULT_LEASE_MS : positiveInt(raw.lease_ms, "lease_ms", issues);
  const experiment =
    raw.experiment === undefined ? "Default" : nonEmptyString(raw.experiment, "experiment", issues);
  const name = raw.name === undefined ? undefined : nonEmptyString(raw.name, "name", issues);

  if (
    issues.length > 0 ||
    !command ||
    !method ||
    !objective ||
    !experiment ||
    leaseMs === undefined
  ) {
    const list = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    throw new BadRequestError(`invalid sweep spec: ${list}`, { issues });
  }
  if (method === "grid") {
    budget.maxTrials = Math.min(budget.maxTrials, gridSize(parameters));
  }
  return {
    ...(name !== undefined ? { name } : {}),
    experiment,
    command,
    parameters,
    method,
    objective,
    budget,
    ...(earlyStopping ? { earlyStopping } : {}),
    seed: seed as number,
    leaseMs,
  };
}
