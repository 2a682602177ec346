import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { repoRootOf } from "../../domain/reproduction/factors.js";
import type { MissingItem } from "../../domain/reproduction/reproduction-report.js";
import type { RunSnapshot } from "../../domain/reproduction/reproduction-types.js";
import type { Run } from "../../domain/run.js";
import type { LockstepApi } from "../../sdk/api-client.js";
import { provideNodeDependencies } from "./node-dependencies.js";
import { rebuildCode } from "./rebuild-code.js";
import { rebuildInputs } from "./rebuild-data.js";
import { planRun, type RunPlan } from "./reproduction-plan.js";
import { snapshotOf } from "./run-snapshot.js";

/** The recorded run, its data checked, ready to be checked out and run under any seed. */
export interface Prepared {
  original: Run;
  snapshot: RunSnapshot;
  experiment: string;
  data: string[];
  model?: string;
  /** Dataset versions or blobs the server no longer has. */
  missing: MissingItem[];
}

/** Reads the run and checks its data before anything is checked out. */
export async function prepare(options: {
  api: LockstepApi;
  runId: string;
  progress: (message: string) => void;
}): Promise<Prepared> {
  const original = await options.api.getRun(options.runId);
  const [snapshot, experiments] = await Promise.all([
    snapshotOf(options.api, original),
    options.api.allExperiments("ALL"),
  ]);
  const experiment = experiments.find((e) => e.id === original.experimentId)?.name ?? "Default";
  options.progress("checking the recorded data");
  const inputs = await rebuildInputs(options.api, original.inputs);
  return {
    original,
    snapshot,
    experiment,
    data: inputs.data,
    ...(inputs.model ? { model: inputs.model } : {}),
    missing: inputs.missing,
  };
}

/** How the checkout gets what the recorded code needs besides itself. */
export interface CheckoutOptions {
  /** Install a Node project's dependencies with `npm ci` when none can be reused. */
  install: boolean;
  progress: (message: string) => void;
}

/**
 * The recorded code checked out into `dir` (empty), its Node dependencies
 * provided, and the command to run there, or what is missing for any.
 */
export async function checkoutAndPlan(
  api: LockstepApi,
  prepared: Prepared,
  where: { dir: string } & CheckoutOptions,
): Promise<{ cwd: string; plan: RunPlan } | MissingItem[]> {
  const { original } = prepared;
  const { dir } = where;
  const code = await rebuildCode({
    api,
    runId: original.id,
    capture: original.capture,
    workdir: dir,
  });
  if (!code.ok) return code.missing;
  const plan = planRun(original, { recordedRoot: repoRootOf(original.capture), checkoutRoot: dir });
  if ("factor" in plan) return [plan];
  const dependencies = await provideNodeDependencies({
    capture: original.capture,
    checkoutRoot: dir,
    install: where.install,
    progress: where.progress,
  });
  return dependencies.length > 0 ? dependencies : { cwd: code.cwd, plan };
}

/** The recorded root seed. */
export function rootSeed(run: Run): number {
  const fromCapture = (run.capture?.seed as { root?: unknown } | undefined)?.root;
  return typeof fromCapture === "number" ? fromCapture : Number(run.tags["lockstep.seed"] ?? 0);
}

/** The given folder (created; it must be empty) or a temp folder removed afterwards. */
export async function workFolder(
  given: string | undefined,
): Promise<{ workdir: string; cleanup: () => Promise<void> }> {
  if (given === undefined) {
    const workdir = await mkdtemp(join(tmpdir(), "lockstep-reproduce-"));
    return { workdir, cleanup: () => rm(workdir, { recursive: true, force: true }) };
  }
  const workdir = resolve(given);
  await mkdir(workdir, { recursive: true });
  if ((await readdir(workdir)).length > 0) {
    throw new Error(`--workdir ${given}: the folder is not empty`);
  }
  return { workdir, cleanup: async () => undefined };
}
