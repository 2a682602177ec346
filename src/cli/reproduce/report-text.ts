import type { ReproductionReport, RunDiff } from "../../domain/reproduction/reproduction-report.js";
import {
  type ArtifactComparison,
  type Difference,
  type EnvironmentDifference,
  FACTOR_NAMES,
  type Factors,
  type MetricComparison,
  type MetricSpread,
} from "../../domain/reproduction/reproduction-types.js";
import { formatMetric } from "../output.js";

/** The report as lines of text for a person. */
export function reproductionText(report: ReproductionReport): string[] {
  const lines = [`verdict: ${report.verdict}`, `original: ${report.original}`];
  if (report.reproduction) lines.push(`reproduction: ${report.reproduction}`);
  if (report.status.reproduction && report.status.reproduction !== report.status.original) {
    lines.push(`ended: ${report.status.original} -> ${report.status.reproduction}`);
  }
  if (report.tolerance > 0) lines.push(`tolerance: ${report.tolerance} (relative)`);
  if (report.missing.length > 0) {
    lines.push("", "missing:", ...report.missing.map((m) => `  ${m}`));
  }
  lines.push("", ...factorsText(report.factors));
  if (report.verdict !== "not_reproducible")
    lines.push("", ...metricsText(report.metrics), "", ...artifactsText(report.artifacts));
  if (report.nondeterminism) {
    lines.push("", report.nondeterminism.summary);
    if (report.nondeterminism.causes.length > 0) {
      lines.push("likely causes:", ...report.nondeterminism.causes.map((c) => `  - ${c}`));
    }
  }
  return lines;
}

export function diffText(diff: RunDiff): string[] {
  return [
    `a: ${diff.a}`,
    `b: ${diff.b}`,
    "",
    ...factorsText(diff.factors),
    "",
    ...metricsText(diff.metrics),
    "",
    ...artifactsText(diff.artifacts),
  ];
}

function factorsText(factors: Factors): string[] {
  const lines = ["factors:"];
  for (const name of FACTOR_NAMES) {
    const factor = factors[name];
    if (factor === "same") {
      lines.push(`  ${name.padEnd(12)} same`);
      continue;
    }
    lines.push(`  ${name.padEnd(12)} differs`);
    for (const d of factor.differs) lines.push(`    ${differenceText(d)}`);
  }
  return lines;
}

function differenceText(d: Difference): string {
  const likelihood = (d as EnvironmentDifference).likelihood;
  const tail = likelihood ? ` [${likelihood}]` : "";
  return `${d.item}: ${d.a ?? "(none)"} -> ${d.b ?? "(none)"}${tail}`;
}

function metricsText(metrics: MetricComparison[]): string[] {
  if (metrics.length === 0) return ["metrics: none"];
  return [
    "metrics:",
    ...metrics.map((m) => {
      const head = `  ${m.key}: ${m.status.replace("_", " ")}`;
      const split = m.firstDivergence;
      if (!split) return `${head} (${m.points} points)`;
      const a = split.a === null ? "-" : formatMetric(split.a);
      const b = split.b === null ? "-" : formatMetric(split.b);
      return `${head}; first split at step ${split.step}: ${a} -> ${b} (relative ${split.relative.toPrecision(2)})`;
    }),
  ];
}

function artifactsText(artifacts: ArtifactComparison[]): string[] {
  if (artifacts.length === 0) return ["artifacts: none"];
  return [
    "artifacts:",
    ...artifacts.map((a) =>
      a.status === "identical"
        ? `  ${a.path}: identical`
        : `  ${a.path}: ${a.status} (${a.a ?? "-"} -> ${a.b ?? "-"})`,
    ),
  ];
}

/** `--seeds N` as text. */
export function spreadText(spread: MetricSpread[], runs: string[]): string[] {
  const lines = [`runs: ${runs.join(", ")}`, "metric spread over seeds (final values):"];
  for (const s of spread) {
    const original = s.original === null ? "-" : formatMetric(s.original);
    lines.push(
      `  ${s.key}: mean ${formatMetric(s.mean)} std ${formatMetric(s.std)} min ${formatMetric(s.min)} max ${formatMetric(s.max)}; original ${original} ${s.originalWithin ? "within" : "OUTSIDE"}`,
    );
  }
  return lines;
}
