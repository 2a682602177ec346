import type { HistoryPoint } from "../../domain/metric.js";
import type { BlockColumns } from "./metric-block-codec.js";
import { historyOrder, pointAt } from "./metric-point-order.js";

export interface StepRange {
  start: number;
  end: number;
}

/** A decoded block with its stored step range, which spares a pass over the points. */
export interface RangedBlock extends BlockColumns {
  stepMin: number;
  stepMax: number;
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
  blocks: RangedBlock[],
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

function rangeStats(blocks: RangedBlock[], range: StepRange): RangeStats {
  let count = 0;
  let total = 0;
  let sLo = Number.POSITIVE_INFINITY;
  let sHi = Number.NEGATIVE_INFINITY;
  for (const { steps, stepMin, stepMax } of blocks) {
    total += steps.length;
    if (stepMin >= range.start && stepMax <= range.end) {
      // Wholly inside the range: the stored step range is exact, no need to look.
      count += steps.length;
      if (stepMin < sLo) sLo = stepMin;
      if (stepMax > sHi) sHi = stepMax;
      continue;
    }
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i] as number;
      if (s < range.start || s > range.end) continue;
      count++;
      if (s < sLo) sLo = s;
      if (s > sHi) sHi = s;
    }
  }
  if (sHi > sLo) return { count, axis: "step", lo: sLo, hi: sHi };
  let tLo = Number.POSITIVE_INFINITY;
  let tHi = Number.NEGATIVE_INFINITY;
  for (const { steps, times } of blocks) {
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i] as number;
      if (s < range.start || s > range.end) continue;
      const t = times[i] as number;
      if (t < tLo) tLo = t;
      if (t > tHi) tHi = t;
    }
  }
  if (tHi > tLo) return { count, axis: "time", lo: tLo, hi: tHi };
  return { count, axis: "index", lo: 0, hi: Math.max(0, total - 1) };
}

/**
 * Candidate global indices, spikes first: max, min, NaN, then first and
 * last of each bucket, so trimming an over-budget list drops the least
 * telling points.
 */
function pick(
  blocks: RangedBlock[],
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
  // Hot loop over up to millions of points. Consecutive points mostly share
  // a bucket, so each run of them is reduced in local variables (registers)
  // and merged into the bucket arrays once; comparisons are inlined on purpose.
  for (const { steps, vals, times } of blocks) {
    const axis = stats.axis === "step" ? steps : stats.axis === "time" ? times : undefined;
    const n = steps.length;
    let i = 0;
    while (i < n) {
      const s0 = steps[i] as number;
      if (s0 < start || s0 > end) {
        i++;
        continue;
      }
      let b = Math.floor(((axis === undefined ? base + i : (axis[i] as number)) - lo) * scale);
      if (b >= buckets) b = buckets - 1;
      let fI = i;
      let fS = s0;
      let fT = times[i] as number;
      let lI = i;
      let lS = s0;
      let lT = fT;
      let mnI = -1;
      let mnV = 0;
      let mxI = -1;
      let mxV = 0;
      let nI = -1;
      let j = i;
      for (; j < n; j++) {
        const s = steps[j] as number;
        if (s < start || s > end) break;
        if (j > i) {
          let bj = Math.floor(((axis === undefined ? base + j : (axis[j] as number)) - lo) * scale);
          if (bj >= buckets) bj = buckets - 1;
          if (bj !== b) break;
          const t = times[j] as number;
          if (s < fS || (s === fS && t < fT)) {
            fI = j;
            fS = s;
            fT = t;
          }
          if (s > lS || (s === lS && t >= lT)) {
            lI = j;
            lS = s;
            lT = t;
          }
        }
        const v = vals[j] as number;
        if (Number.isNaN(v)) {
          if (nI < 0) nI = j;
        } else {
          if (mnI < 0 || v < mnV) {
            mnI = j;
            mnV = v;
          }
          if (mxI < 0 || v > mxV) {
            mxI = j;
            mxV = v;
          }
        }
      }
      // Earlier runs hold earlier points, so ties keep the bucket's first and take the run's last.
      const f = first[b] as number;
      const fs = firstStep[b] as number;
      if (f < 0 || fS < fs || (fS === fs && fT < (firstTime[b] as number))) {
        first[b] = base + fI;
        firstStep[b] = fS;
        firstTime[b] = fT;
      }
      const ls = lastStep[b] as number;
      if (f < 0 || lS > ls || (lS === ls && lT >= (lastTime[b] as number))) {
        last[b] = base + lI;
        lastStep[b] = lS;
        lastTime[b] = lT;
      }
      if (mnI >= 0 && ((min[b] as number) < 0 || mnV < (minVal[b] as number))) {
        min[b] = base + mnI;
        minVal[b] = mnV;
      }
      if (mxI >= 0 && ((max[b] as number) < 0 || mxV > (maxVal[b] as number))) {
        max[b] = base + mxI;
        maxVal[b] = mxV;
      }
      if (nI >= 0 && (nan[b] as number) < 0) nan[b] = base + nI;
      i = j;
    }
    base += n;
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
