import type { HistoryPoint } from "../../domain/metric.js";
import type { BlockColumns } from "./metric-block-codec.js";
import { historyOrder, pointAt } from "./metric-point-order.js";

export interface StepRange {
  start: number;
  end: number;
}

/**
 * Min/max-preserving downsampling over decoded blocks in logging order, in
 * one pass, without sorting or even concatenating the input (a million
 * points is 24 MB a copy): the step range is cut into ~maxPoints/4 equal
 * buckets and each keeps its first and last point (in history order) and its
 * smallest and largest value, so a single spike always survives. Each bucket
 * also keeps its first NaN; if that overflows the budget the pass is redone
 * with maxPoints/5 buckets.
 *
 * When every point has the same step (metrics logged without one) the
 * buckets cut the timestamp range instead, and failing that, logging order.
 */
export function downsampleBlocks(
  blocks: BlockColumns[],
  maxPoints: number,
  range: StepRange,
): HistoryPoint[] {
  const stats = rangeStats(blocks, range);
  if (stats.count <= maxPoints) {
    const all = gather(blocks, (step) => step >= range.start && step <= range.end);
    return ordered(all, all.steps.length);
  }
  const budget = Math.max(1, maxPoints);
  let picked = pick(blocks, range, stats, Math.max(1, Math.floor(budget / 4)));
  if (picked.length > budget) {
    picked = pick(blocks, range, stats, Math.max(1, Math.floor(budget / 5)));
  }
  // Only when maxPoints < 4: candidates come spikes first, so trimming keeps those.
  if (picked.length > budget) picked = picked.slice(0, budget);
  const chosen = collect(
    blocks,
    picked.sort((a, b) => a - b),
  );
  return ordered(chosen, chosen.steps.length);
}

/** The points at ascending global indices, in that (logging) order. */
function collect(blocks: BlockColumns[], sorted: number[]): BlockColumns {
  const out = {
    steps: new Float64Array(sorted.length),
    vals: new Float64Array(sorted.length),
    times: new Float64Array(sorted.length),
  };
  let block = 0;
  let base = 0;
  sorted.forEach((g, k) => {
    while (g >= base + (blocks[block] as BlockColumns).steps.length) {
      base += (blocks[block] as BlockColumns).steps.length;
      block++;
    }
    const { steps, vals, times } = blocks[block] as BlockColumns;
    out.steps[k] = steps[g - base] as number;
    out.vals[k] = vals[g - base] as number;
    out.times[k] = times[g - base] as number;
  });
  return out;
}

function ordered(columns: BlockColumns, n: number): HistoryPoint[] {
  const indices = Array.from({ length: n }, (_, i) => i);
  return historyOrder(columns, indices).map((i) => pointAt(columns, i));
}

/** Copies the points whose step `keep` accepts, in logging order. */
function gather(blocks: BlockColumns[], keep: (step: number) => boolean): BlockColumns {
  const steps: number[] = [];
  const vals: number[] = [];
  const times: number[] = [];
  for (const block of blocks) {
    for (let i = 0; i < block.steps.length; i++) {
      const s = block.steps[i] as number;
      if (!keep(s)) continue;
      steps.push(s);
      vals.push(block.vals[i] as number);
      times.push(block.times[i] as number);
    }
  }
  return {
    steps: Float64Array.from(steps),
    vals: Float64Array.from(vals),
    times: Float64Array.from(times),
  };
}

interface RangeStats {
  count: number;
  axis: "step" | "time" | "index";
  lo: number;
  hi: number;
}

function rangeStats(blocks: BlockColumns[], range: StepRange): RangeStats {
  let count = 0;
  let total = 0;
  let sLo = Number.POSITIVE_INFINITY;
  let sHi = Number.NEGATIVE_INFINITY;
  let tLo = Number.POSITIVE_INFINITY;
  let tHi = Number.NEGATIVE_INFINITY;
  for (const { steps, times } of blocks) {
    total += steps.length;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i] as number;
      if (s < range.start || s > range.end) continue;
      count++;
      if (s < sLo) sLo = s;
      if (s > sHi) sHi = s;
      const t = times[i] as number;
      if (t < tLo) tLo = t;
      if (t > tHi) tHi = t;
    }
  }
  if (sHi > sLo) return { count, axis: "step", lo: sLo, hi: sHi };
  if (tHi > tLo) return { count, axis: "time", lo: tLo, hi: tHi };
  return { count, axis: "index", lo: 0, hi: Math.max(0, total - 1) };
}

/**
 * Candidate global indices, spikes first: max, min, NaN, then first and
 * last of each bucket, so trimming an over-budget list drops the least
 * telling points.
 */
function pick(
  blocks: BlockColumns[],
  range: StepRange,
  stats: RangeStats,
  buckets: number,
): number[] {
  const first = new Float64Array(buckets).fill(-1);
  const firstStep = new Float64Array(buckets);
  const firstTime = new Float64Array(buckets);
  const last = new Float64Array(buckets).fill(-1);
  const lastStep = new Float64Array(buckets);
  const lastTime = new Float64Array(buckets);
  const min = new Float64Array(buckets).fill(-1);
  const minVal = new Float64Array(buckets);
  const max = new Float64Array(buckets).fill(-1);
  const maxVal = new Float64Array(buckets);
  const nan = new Float64Array(buckets).fill(-1);
  const scale = buckets / (stats.hi - stats.lo || 1);
  const { start, end } = range;
  const lo = stats.lo;
  let base = 0;
  // Hot loop over up to millions of points: comparisons are inlined on purpose.
  for (const { steps, vals, times } of blocks) {
    const axis = stats.axis === "step" ? steps : stats.axis === "time" ? times : undefined;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i] as number;
      if (s < start || s > end) continue;
      const t = times[i] as number;
      const g = base + i;
      let b = Math.floor(((axis === undefined ? g : (axis[i] as number)) - lo) * scale);
      if (b >= buckets) b = buckets - 1;
      if ((first[b] as number) < 0) {
        first[b] = last[b] = g;
        firstStep[b] = lastStep[b] = s;
        firstTime[b] = lastTime[b] = t;
      } else {
        const fs = firstStep[b] as number;
        if (s < fs || (s === fs && t < (firstTime[b] as number))) {
          first[b] = g;
          firstStep[b] = s;
          firstTime[b] = t;
        }
        const ls = lastStep[b] as number;
        if (s > ls || (s === ls && t >= (lastTime[b] as number))) {
          last[b] = g;
          lastStep[b] = s;
          lastTime[b] = t;
        }
      }
      const v = vals[i] as number;
      if (Number.isNaN(v)) {
        if ((nan[b] as number) < 0) nan[b] = g;
        continue;
      }
      if ((min[b] as number) < 0 || v < (minVal[b] as number)) {
        min[b] = g;
        minVal[b] = v;
      }
      if ((max[b] as number) < 0 || v > (maxVal[b] as number)) {
        max[b] = g;
        maxVal[b] = v;
      }
    }
    base += steps.length;
  }
  const out: number[] = [];
  for (const list of [max, min, nan, first, last]) {
    for (let b = 0; b < buckets; b++) {
      const g = list[b] as number;
      if (g >= 0) out.push(g);
    }
  }
  return [...new Set(out)];
}
