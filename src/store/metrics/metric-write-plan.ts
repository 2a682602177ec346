import type { MetricPoint } from "../../domain/metric.js";

/**
 * What both metric writers decide the same way: how a batch splits by key,
 * which point becomes the latest value, and how new points are laid out in
 * blocks (the compaction policy).
 *
 * Compaction: the SDK flushes often, so a key would otherwise collect
 * thousands of tiny blocks and every history read would decode them all.
 * When the newest block of a (run, key) holds fewer than MERGE_BELOW points,
 * new points are appended to it in place (up to BLOCK_CAP); otherwise they
 * start a new block. A block is thus rewritten only while it is small, so a
 * write never copies more than ~MERGE_BELOW old points per key, and steady
 * flushing still yields blocks of at least MERGE_BELOW points. Large batches
 * are cut into blocks of BLOCK_CAP so step-range reads can skip most of them.
 */
export const MERGE_BELOW = 256;
export const BLOCK_CAP = 4096;

/** Points per key, each list in logging order; keys in first-seen order. */
export function groupByKey(points: readonly MetricPoint[]): Map<string, MetricPoint[]> {
  const byKey = new Map<string, MetricPoint[]>();
  for (const point of points) {
    const list = byKey.get(point.key);
    if (list) list.push(point);
    else byKey.set(point.key, [point]);
  }
  return byKey;
}

/**
 * Whether `candidate` replaces `current` as the latest value: larger step,
 * then larger timestamp; on a full tie the later-logged point wins, so
 * `candidate` must be the later one.
 */
export function supersedes(candidate: MetricPoint, current: MetricPoint): boolean {
  if (candidate.step !== current.step) return candidate.step > current.step;
  return candidate.timestamp >= current.timestamp;
}

/** The latest point of a non-empty list in logging order. */
export function latestOf(points: readonly MetricPoint[]): MetricPoint {
  let best = points[0] as MetricPoint;
  for (let i = 1; i < points.length; i++) {
    const p = points[i] as MetricPoint;
    if (supersedes(p, best)) best = p;
  }
  return best;
}

/** The SQL form of a latest value: NaN cannot be stored, so it becomes NULL + is_nan. */
export function latestRow(runId: string, point: MetricPoint) {
  const nan = Number.isNaN(point.value);
  return {
    run_id: runId,
    key: point.key,
    value: nan ? null : point.value,
    is_nan: nan ? 1 : 0,
    step: point.step,
    timestamp: point.timestamp,
  };
}

export interface BlockPlan {
  /** How many of the new points go into the existing newest block. */
  merge: number;
  /** [start, end) ranges of the remaining points, one new block each. */
  chunks: Array<[number, number]>;
}

/** Lays out `n` new points given the newest block's size (undefined when none). */
export function planBlocks(newestCount: number | undefined, n: number): BlockPlan {
  const merge =
    newestCount !== undefined && newestCount < MERGE_BELOW
      ? Math.min(n, BLOCK_CAP - newestCount)
      : 0;
  const chunks: Array<[number, number]> = [];
  for (let start = merge; start < n; start += BLOCK_CAP) {
    chunks.push([start, Math.min(n, start + BLOCK_CAP)]);
  }
  return { merge, chunks };
}
