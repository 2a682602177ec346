import type { Run } from "../../domain/run.js";
import type { RunOptions } from "../run/run-options.js";
import type { RunPlan } from "./reproduction-plan.js";

export interface ReproductionRunInput {
  trackingUri: string;
  original: Run;
  experiment: string;
  plan: RunPlan;
  cwd: string;
  seed: number;
  data: string[];
  model?: string;
  tags: Record<string, string>;
  /** Sends the command's stdout to stderr, keeping ours for the JSON report. */
  stdoutToStderr: boolean;
}

/**
 * Runs the recorded command through `lockstep run`'s own session as a run of
 * kind `reproduction`, so it is captured exactly as the original was.
 * Returns the new run's id and the command's exit code.
 */
export async function runReproduction(
  input: ReproductionRunInput,
): Promise<{ runId: string; exitCode: number }> {
  const { runSession } = await import("../run/run-session.js");
  const options: RunOptions = {
    experiment: input.experiment,
    name: `${input.original.name} (reproduction)`,
    seed: input.seed,
    param: [],
    tag: [],
    kind: "reproduction",
    output: input.plan.outputs,
    data: input.data,
    ...(input.model ? { model: input.model } : {}),
  };
  let runId = "";
  const restore = withVariables(input.plan.extraEnv);
  const unredirect = input.stdoutToStderr ? redirectStdout() : () => undefined;
  try {
    const exitCode = await runSession({
      trackingUri: input.trackingUri,
      argv: input.plan.argv,
      cwd: input.cwd,
      options,
      params: input.plan.params,
      tags: input.tags,
      onRunCreated: (run) => {
        runId = run.id;
      },
    });
    return { runId, exitCode };
  } finally {
    unredirect();
    restore();
  }
}

/** Sets variables the command inherits (the recorded thread counts and such) until restored. */
function withVariables(vars: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * `lockstep run` copies the command's stdout to ours; with `--json` only the
 * report may go there, so the command's output goes to stderr for the while.
 */
function redirectStdout(): () => void {
  const original = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    process.stderr.write(chunk, callback);
    // Always "not full": the copy loop would otherwise wait for a drain of stdout that never comes.
    return true;
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
  };
}
