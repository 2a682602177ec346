import { compareArtifacts } from "./artifact-compare.js";
import { allSame, compareFactors } from "./factors.js";
import { compareMetrics } from "./metric-compare.js";
import { explainNondeterminism, type NondeterminismExplanation } from "./nondeterminism.js";
import type {
  ArtifactComparison,
  FactorName,
  Factors,
  MetricComparison,
  MetricSpread,
  RunSnapshot,
  Verdict,
} from "./reproduction-types.js";
import { applyNoiseBand } from "./seed-spread.js";
import { decideVerdict } from "./verdict.js";

/** What `lockstep reproduce --json` prints (INTERFACE.md, "Reproduction"). */
export interface ReproductionReport {
  verdict: Verdict;
  original: string;
  reproduction: string | null;
  tolerance: number;
  /** How the recorded run and the reproduction ended (FINISHED, FAILED, …). */
  status: { original: string | null; reproduction: string | null };
  factors: Factors;
  metrics: MetricComparison[];
  artifacts: ArtifactComparison[];
  /** What the reproduction needed and could not get. */
  missing: string[];
  /** Present when every factor is the same and the result still differs. */
  nondeterminism: NondeterminismExplanation | null;
}

/** What `lockstep diff` prints: the same comparison without a verdict. */
export interface RunDiff {
  a: string;
  b: string;
  factors: Factors;
  metrics: MetricComparison[];
  artifacts: ArtifactComparison[];
}

export function diffRuns(a: RunSnapshot, b: RunSnapshot, tolerance = 0): RunDiff {
  return {
    a: a.run.id,
    b: b.run.id,
    factors: compareFactors(a.run, b.run),
    metrics: compareMetrics(a.metrics, b.metrics, tolerance),
    artifacts: compareArtifacts(a.artifacts, b.artifacts),
  };
}

/**
 * The report for a reproduction that ran: the recorded run against its
 * reproduction, judged with the tolerance and the noise band the recorded
 * run carries (if any).
 */
export function reproductionReport(input: {
  original: RunSnapshot;
  reproduction: RunSnapshot;
  tolerance: number;
  noiseBand?: MetricSpread[];
}): ReproductionReport {
  const diff = diffRuns(input.original, input.reproduction, input.tolerance);
  const metrics = applyNoiseBand(diff.metrics, input.noiseBand ?? []);
  const verdict = decideVerdict({
    metrics,
    artifacts: diff.artifacts,
    tolerance: input.tolerance,
    missing: [],
    statusDiffers: input.original.run.status !== input.reproduction.run.status,
  });
  const differs = verdict !== "identical";
  return {
    verdict,
    original: diff.a,
    reproduction: diff.b,
    tolerance: input.tolerance,
    status: {
      original: input.original.run.status ?? null,
      reproduction: input.reproduction.run.status ?? null,
    },
    factors: diff.factors,
    metrics,
    artifacts: diff.artifacts,
    missing: [],
    nondeterminism:
      differs && allSame(diff.factors)
        ? explainNondeterminism(input.original.run.capture, metrics)
        : null,
  };
}

/** Something a reproduction needs that is gone: a commit, a patch, a dataset version, a blob. */
export interface MissingItem {
  factor: FactorName;
  /** What is missing, by name or digest: `commit 1a2b…`, `blob sha256:…`. */
  item: string;
  detail: string;
}

/**
 * The report when the reproduction could not run: the factors with something
 * missing name it; the environment is compared with the current one (which
 * the caller captures, as the reproduction would have run here).
 */
export function notReproducibleReport(input: {
  original: RunSnapshot;
  tolerance: number;
  missing: MissingItem[];
  current: RunSnapshot["run"];
}): ReproductionReport {
  const factors = compareFactors(input.original.run, input.current);
  for (const name of ["code", "data", "seed", "params"] as const) {
    const gone = input.missing.filter((m) => m.factor === name);
    factors[name] =
      gone.length === 0
        ? "same"
        : { differs: gone.map((m) => ({ item: m.item, a: m.detail, b: "missing" })) };
  }
  return {
    verdict: "not_reproducible",
    original: input.original.run.id,
    reproduction: null,
    tolerance: input.tolerance,
    status: { original: input.original.run.status ?? null, reproduction: null },
    factors,
    metrics: [],
    artifacts: [],
    missing: input.missing.map((m) => `${m.item}: ${m.detail}`),
    nondeterminism: null,
  };
}
