import type { Run } from "../domain/run.js";

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const text = (v: unknown): string | undefined =>
  typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined;

/**
 * What else decided a run's result, shown on its lineage node: the seed, the
 * params, the uncommitted diff and the environment. The capture is read
 * loosely: runs logged by other clients (MLflow) have none or part of it.
 */
export function runDetails(run: Run): Record<string, string> {
  const capture = obj(run.capture) ?? {};
  const details: Record<string, string> = {};
  const seed = text(obj(capture.seed)?.root) ?? run.params.seed ?? run.tags["lockstep.seed"];
  if (seed !== undefined) details.seed = seed;
  const params = Object.entries(run.params)
    .filter(([key]) => key !== "seed")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`);
  if (params.length > 0) details.params = params.join(" ");
  const diff = obj(obj(capture.code)?.diff);
  if (diff) details.diff = `${text(diff.digest) ?? "?"} (${text(diff.size) ?? "?"} bytes)`;
  const environment = environmentSummary(obj(capture.environment));
  if (environment) details.environment = environment;
  return details;
}

/** Runtimes first, then the machine: the order in which they tend to matter. */
function environmentSummary(env: Json | undefined): string | undefined {
  if (!env) return undefined;
  const os = obj(env.os);
  const parts = [
    text(obj(env.python)?.version) && `python ${text(obj(env.python)?.version)}`,
    text(obj(env.node)?.version) && `node ${text(obj(env.node)?.version)}`,
    os && `${text(os.type) ?? "?"} ${text(os.release) ?? ""}`.trim(),
    text(env.hostname) && `host ${text(env.hostname)}`,
  ].filter((part): part is string => typeof part === "string" && part !== "");
  return parts.length > 0 ? parts.join(", ") : undefined;
}
