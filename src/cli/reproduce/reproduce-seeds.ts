import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { deriveSeed } from "../../capture/seeds.js";
import { isResultMetric } from "../../domain/reproduction/metric-compare.js";
import type { MissingItem } from "../../domain/reproduction/reproduction-report.js";
import {
  REPRODUCTION_OF_TAG,
  REPRODUCTION_SEEDS_TAG,
} from "../../domain/reproduction/reproduction-tags.js";
import type { MetricSpread } from "../../domain/reproduction/reproduction-types.js";
import { seedSpread } from "../../domain/reproduction/seed-spread.js";
import type { Run } from "../../domain/run.js";
import { checkoutAndPlan, prepare, rootSeed, workFolder } from "./prepare-reproduction.js";
import type { ReproduceOptions } from "./reproduce.js";
import { runReproduction } from "./run-reproduction.js";
import { writeSeedSpread } from "./seed-spread-artifact.js";

/** What `lockstep reproduce RUN --seeds N` reports. */
export interface SeedSpreadReport {
  original: string;
  seeds: number[];
  runs: string[];
  spread: MetricSpread[];
  /** True when every metric of the recorded run lies within the spread. */
  originalWithin: boolean;
  missing: string[];
}

/**
 * Runs the recorded setup under `count` seeds derived from the recorded root
 * (labels `seeds/1`…), reports each metric's spread of final values, and
 * stores it on the recorded run as its noise band.
 */
export async function reproduceSeeds(
  options: ReproduceOptions & { count: number },
): Promise<SeedSpreadReport> {
  const prepared = await prepare(options);
  const root = rootSeed(prepared.original);
  const seeds = Array.from({ length: options.count }, (_, i) => deriveSeed(root, `seeds/${i + 1}`));
  const base = { original: prepared.original.id, seeds, runs: [] as string[], spread: [] };
  if (prepared.missing.length > 0) return notReproducible(base, prepared.missing);
  const { workdir, cleanup } = await workFolder(options.workdir);
  try {
    const finals: Array<Record<string, number>> = [];
    for (const [i, seed] of seeds.entries()) {
      // A fresh checkout per seed: outputs of one run must not become another's code.
      const dir = join(workdir, `seed-${i + 1}`);
      await mkdir(dir);
      options.progress(`seed ${i + 1} of ${seeds.length}: ${seed}`);
      const place = await checkoutAndPlan(options.api, prepared, {
        dir,
        install: options.install === true,
        progress: options.progress,
      });
      if (Array.isArray(place)) return notReproducible(base, place);
      const { plan } = place;
      const { runId } = await runReproduction({
        trackingUri: options.trackingUri,
        original: prepared.original,
        experiment: prepared.experiment,
        plan,
        cwd: place.cwd,
        seed,
        data: prepared.data,
        ...(prepared.model ? { model: prepared.model } : {}),
        tags: {
          [REPRODUCTION_OF_TAG]: prepared.original.id,
          [REPRODUCTION_SEEDS_TAG]: String(seeds.length),
        },
        stdoutToStderr: options.json,
      });
      base.runs.push(runId);
      finals.push(resultMetrics(await options.api.getRun(runId)));
    }
    const spread = seedSpread(resultMetrics(prepared.original), finals);
    await writeSeedSpread(options.api, prepared.original.id, { seeds, runs: base.runs, spread });
    return {
      ...base,
      spread,
      originalWithin: spread.every((s) => s.originalWithin),
      missing: [],
    };
  } finally {
    await cleanup();
  }
}

function resultMetrics(run: Run): Record<string, number> {
  return Object.fromEntries(Object.entries(run.metrics).filter(([key]) => isResultMetric(key)));
}

function notReproducible(
  base: Omit<SeedSpreadReport, "originalWithin" | "missing">,
  missing: MissingItem[],
): SeedSpreadReport {
  return { ...base, originalWithin: false, missing: missing.map((m) => `${m.item}: ${m.detail}`) };
}
