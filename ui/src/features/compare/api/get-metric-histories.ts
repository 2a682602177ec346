import { apiGet, type HistoryPoint } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

const CHART_POINTS = 2000;

export interface RunHistory {
  runId: string;
  key: string;
  points: HistoryPoint[];
}

/** Every (run, key) pair's downsampled history, for overlaid charts. */
export async function getMetricHistories(
  runIds: string[],
  keys: string[],
  signal: AbortSignal,
): Promise<RunHistory[]> {
  const pairs = keys.flatMap((key) => runIds.map((runId) => ({ runId, key })));
  return Promise.all(
    pairs.map(async ({ runId, key }) => {
      const body = await apiGet<{ points: HistoryPoint[] }>(
        `/runs/${encodeURIComponent(runId)}/metrics/${encodeURIComponent(key)}/history?max_points=${CHART_POINTS}`,
        signal,
      );
      return { runId, key, points: body.points };
    }),
  );
}

export function useMetricHistories(runIds: string[], keys: string[]) {
  return useAsync(
    (signal) => getMetricHistories(runIds, keys, signal),
    [runIds.join(","), keys.join("\n")],
  );
}
