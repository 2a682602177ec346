import type { HistoryPoint } from "../metric.js";
import type { MetricComparison, MetricDivergence } from "./reproduction-types.js";

/** Resource use sampled by `lockstep run`: it differs on every run and says nothing of the result. */
export function isResultMetric(key: string): boolean {
  return !key.startsWith("system/");
}

/** |a - b| relative to the larger magnitude: 0 when equal (NaN equals NaN), 1 at most for finite values. */
export function relativeDifference(a: number, b: number): number {
  if (Object.is(a, b) || a === b || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  const relative = Math.abs(a - b) / scale;
  // NaN against a number, or opposite infinities: as different as values get.
  return Number.isFinite(relative) ? relative : Number.POSITIVE_INFINITY;
}

/**
 * Every result metric of run A against run B, point by point in step order:
 * identical, within the relative tolerance, or diverged (with the first step
 * where the histories split). Keys only one side has are `missing`/`added`.
 */
export function compareMetrics(
  a: Record<string, HistoryPoint[]>,
  b: Record<string, HistoryPoint[]>,
  tolerance = 0,
): MetricComparison[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(isResultMetric).sort();
  return keys.map((key) => compareHistory(key, a[key], b[key], tolerance));
}

function compareHistory(
  key: string,
  a: HistoryPoint[] | undefined,
  b: HistoryPoint[] | undefined,
  tolerance: number,
): MetricComparison {
  const ha = inStepOrder(a ?? []);
  const hb = inStepOrder(b ?? []);
  const last = (h: HistoryPoint[]) => h[h.length - 1]?.value ?? null;
  const base = { key, points: Math.max(ha.length, hb.length), a: last(ha), b: last(hb) };
  if (!a || !b) {
    return {
      ...base,
      status: a ? "missing" : "added",
      maxRelative: Number.POSITIVE_INFINITY,
      firstDivergence: null,
    };
  }
  let maxRelative = 0;
  let first: MetricDivergence | null = null;
  for (let i = 0; i < base.points; i++) {
    const pa = ha[i];
    const pb = hb[i];
    const relative =
      pa && pb && pa.step === pb.step
        ? relativeDifference(pa.value, pb.value)
        : Number.POSITIVE_INFINITY;
    maxRelative = Math.max(maxRelative, relative);
    if (relative > 0 && first === null) {
      const step = Math.min(pa?.step ?? Number.POSITIVE_INFINITY, pb?.step ?? Infinity);
      first = {
        step,
        index: i,
        a: pa?.step === step ? pa.value : null,
        b: pb?.step === step ? pb.value : null,
        relative,
      };
    }
  }
  const status =
    maxRelative === 0 ? "identical" : maxRelative <= tolerance ? "within_tolerance" : "diverged";
  return { ...base, status, maxRelative, firstDivergence: first };
}

/** Sorted by step; points logged at the same step keep their logged order. */
function inStepOrder(history: HistoryPoint[]): HistoryPoint[] {
  return [...history].sort((x, y) => x.step - y.step || x.timestamp - y.timestamp);
}
