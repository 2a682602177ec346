import { apiGet, type HistoryPoint } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

/** About one point per pixel pair: the server keeps each bucket's min and max. */
export const CHART_POINTS = 2000;

export interface MetricHistory {
  key: string;
  points: HistoryPoint[];
  total: number;
  downsampled: boolean;
}

export async function getMetricHistory(
  runId: string,
  key: string,
  signal: AbortSignal,
): Promise<MetricHistory> {
  const body = await apiGet<{ points: HistoryPoint[]; total: number; downsampled: boolean }>(
    `/runs/${encodeURIComponent(runId)}/metrics/${encodeURIComponent(key)}/history?max_points=${CHART_POINTS}`,
    signal,
  );
  return { key, ...body };
}

export function useMetricHistories(runId: string, keys: string[], version: number) {
  return useAsync(
    (signal) => Promise.all(keys.map((key) => getMetricHistory(runId, key, signal))),
    [runId, keys.join("\n"), version],
  );
}
