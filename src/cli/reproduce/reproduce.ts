import { determinismEnv } from "../../capture/determinism-env.js";
import { captureEnvironment } from "../../capture/environment-capture.js";
import { arrayAt, stringRecordAt } from "../../domain/reproduction/capture-fields.js";
import {
  type MissingItem,
  notReproducibleReport,
  type ReproductionReport,
  reproductionReport,
} from "../../domain/reproduction/reproduction-report.js";
import {
  REPRODUCTION_MISSING_TAG,
  REPRODUCTION_OF_TAG,
  REPRODUCTION_VERDICT_TAG,
} from "../../domain/reproduction/reproduction-tags.js";
import { setRunTags } from "../../sdk/api-capture.js";
import type { LockstepApi } from "../../sdk/api-client.js";
import {
  checkoutAndPlan,
  type Prepared,
  prepare,
  rootSeed,
  workFolder,
} from "./prepare-reproduction.js";
import { runReproduction } from "./run-reproduction.js";
import { fetchRunSnapshot } from "./run-snapshot.js";
import { readSeedSpread } from "./seed-spread-artifact.js";

export interface ReproduceOptions {
  api: LockstepApi;
  trackingUri: string;
  runId: string;
  tolerance: number;
  /** Where to check out; a temp folder (removed afterwards) when absent. */
  workdir?: string;
  json: boolean;
  /** Install a Node project's dependencies with `npm ci` when none can be reused. */
  install?: boolean;
  progress: (message: string) => void;
}

/** `lockstep reproduce RUN`: rebuilds, runs, compares; returns the report. */
export async function reproduce(options: ReproduceOptions): Promise<ReproductionReport> {
  const prepared = await prepare(options);
  const { workdir, cleanup } = await workFolder(options.workdir);
  try {
    options.progress("checking out the recorded code");
    const place = await checkoutAndPlan(options.api, prepared, {
      dir: workdir,
      install: options.install === true,
      progress: options.progress,
    });
    const missing = [...(Array.isArray(place) ? place : []), ...prepared.missing];
    if (Array.isArray(place) || missing.length > 0) {
      return notReproducible(options.api, prepared, { tolerance: options.tolerance, missing });
    }
    const { plan } = place;
    options.progress(`running ${plan.argv.join(" ")}`);
    const { runId } = await runReproduction({
      trackingUri: options.trackingUri,
      original: prepared.original,
      experiment: prepared.experiment,
      plan,
      cwd: place.cwd,
      seed: rootSeed(prepared.original),
      data: prepared.data,
      ...(prepared.model ? { model: prepared.model } : {}),
      tags: { [REPRODUCTION_OF_TAG]: prepared.original.id },
      stdoutToStderr: options.json,
    });
    options.progress("comparing metrics and artifacts");
    const [reproduction, noiseBand] = await Promise.all([
      fetchRunSnapshot(options.api, runId),
      readSeedSpread(options.api, prepared.original.id),
    ]);
    const report = reproductionReport({
      original: prepared.snapshot,
      reproduction,
      tolerance: options.tolerance,
      ...(noiseBand ? { noiseBand: noiseBand.spread } : {}),
    });
    await setRunTags(options.api, runId, { [REPRODUCTION_VERDICT_TAG]: report.verdict });
    return report;
  } finally {
    await cleanup();
  }
}

/**
 * The report when something is missing, with the environment here compared
 * against the recorded one, as the reproduction would have run here. The
 * attempt is recorded as a FAILED reproduction run with its verdict, so the
 * original's history counts it too.
 */
async function notReproducible(
  api: LockstepApi,
  prepared: Prepared,
  input: { tolerance: number; missing: MissingItem[] },
): Promise<ReproductionReport> {
  const argv = arrayAt(prepared.original.capture, "code", "argv").map(String);
  // With the determinism settings the reproduction would have exported, as `lockstep run` does.
  const env = {
    ...process.env,
    ...stringRecordAt(prepared.original.capture, "seed", "determinismEnv"),
    ...determinismEnv(rootSeed(prepared.original)),
  };
  const environment = await captureEnvironment({ cwd: process.cwd(), argv, env });
  const current = {
    ...prepared.snapshot.run,
    capture: { ...prepared.original.capture, environment },
  };
  const report = withMissingEnvironment(
    notReproducibleReport({ original: prepared.snapshot, current, ...input }),
    input.missing,
  );
  const attempt = await api.createRun({
    experimentName: prepared.experiment,
    name: `${prepared.original.name} (reproduction)`,
    kind: "reproduction",
    tags: {
      [REPRODUCTION_OF_TAG]: prepared.original.id,
      [REPRODUCTION_VERDICT_TAG]: report.verdict,
      [REPRODUCTION_MISSING_TAG]: report.missing.join("\n").slice(0, 5000),
    },
  });
  await api.updateRun(attempt.id, { status: "FAILED", endTime: Date.now() });
  return { ...report, reproduction: attempt.id };
}

/**
 * Dependencies the reproduction could not get here (a Node project's
 * node_modules) are an environment that differs from the recorded one.
 */
function withMissingEnvironment(
  report: ReproductionReport,
  missing: MissingItem[],
): ReproductionReport {
  const gone = missing
    .filter((m) => m.factor === "environment")
    .map((m) => ({ item: m.item, a: "installed", b: "missing", likelihood: "high" as const }));
  if (gone.length === 0) return report;
  const recorded = report.factors.environment;
  const differs = [...gone, ...(recorded === "same" ? [] : recorded.differs)];
  return { ...report, factors: { ...report.factors, environment: { differs } } };
}
