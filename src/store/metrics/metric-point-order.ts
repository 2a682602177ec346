import type { HistoryPoint } from "../../domain/metric.js";
import type { BlockColumns } from "./metric-block-codec.js";

/**
 * History order over gathered columns whose index is the logging order:
 * step, then timestamp, then index. Most metrics are logged with rising
 * steps, so the common case is one linear check and no sort.
 */
export function historyOrder(columns: BlockColumns, indices: number[]): number[] {
  const { steps, times } = columns;
  let ordered = true;
  for (let i = 1; i < indices.length && ordered; i++) {
    ordered = !before(columns, indices[i] as number, indices[i - 1] as number);
  }
  if (ordered) return indices;
  return indices.sort((a, b) => {
    const ds = (steps[a] as number) - (steps[b] as number);
    if (ds !== 0) return ds;
    const dt = (times[a] as number) - (times[b] as number);
    return dt !== 0 ? dt : a - b;
  });
}

/** Whether point `a` comes strictly before point `b` in history order. */
export function before(columns: BlockColumns, a: number, b: number): boolean {
  const sa = columns.steps[a] as number;
  const sb = columns.steps[b] as number;
  if (sa !== sb) return sa < sb;
  const ta = columns.times[a] as number;
  const tb = columns.times[b] as number;
  if (ta !== tb) return ta < tb;
  return a < b;
}

export function pointAt(columns: BlockColumns, i: number): HistoryPoint {
  return {
    value: columns.vals[i] as number,
    step: columns.steps[i] as number,
    timestamp: columns.times[i] as number,
  };
}
