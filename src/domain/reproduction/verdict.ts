import type { ArtifactComparison, MetricComparison, Verdict } from "./reproduction-types.js";

export interface VerdictInput {
  metrics: MetricComparison[];
  artifacts: ArtifactComparison[];
  /** The relative tolerance asked for; 0 demands equal values. */
  tolerance: number;
  /** What the reproduction needed and could not get; any makes it `not_reproducible`. */
  missing: string[];
  /** The command ended otherwise than the recorded one did (FAILED instead of FINISHED). */
  statusDiffers?: boolean;
}

/**
 * `identical` when every value and digest is equal; `within_tolerance` when
 * metrics differ only within the tolerance or the run's recorded noise band;
 * `diverged` otherwise. An artifact whose bytes differ counts as diverged
 * unless a tolerance was given: float noise that a tolerance accepts in the
 * metrics changes the bytes of any file holding such values too. An artifact
 * that was not produced at all always counts.
 */
export function decideVerdict(input: VerdictInput): Verdict {
  if (input.missing.length > 0) return "not_reproducible";
  const metricDiverged = input.metrics.some(
    (m) => m.status === "diverged" || m.status === "missing" || m.status === "added",
  );
  const artifactDiverged = input.artifacts.some(
    (a) =>
      a.status === "missing" ||
      a.status === "added" ||
      (a.status === "differs" && input.tolerance === 0),
  );
  if (metricDiverged || artifactDiverged || input.statusDiffers) return "diverged";
  const allEqual =
    input.metrics.every((m) => m.status === "identical") &&
    input.artifacts.every((a) => a.status === "identical");
  return allEqual ? "identical" : "within_tolerance";
}

/** The CLI's exit code for a verdict (INTERFACE.md, "Reproduction"). */
export const VERDICT_EXIT: Record<Verdict, number> = {
  identical: 0,
  within_tolerance: 0,
  diverged: 3,
  not_reproducible: 4,
};
