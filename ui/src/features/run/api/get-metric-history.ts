import { apiGet, type HistoryPoint, prefetch, type Run } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

/** About one point per pixel pair: the server keeps each bucket's min and max. */
export const CHART_POINTS = 2000;

/** Charts shown when the URL names none. */
const DEFAULT_KEYS = 4;

/** Metric keys in the order the page lists them: natural order, so `m2` comes before `m10`. */
export function sortMetricKeys(keys: string[]): string[] {
  return [...keys].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

/** The keys charted: those the `keys` query value names, else the first few. */
export function chartKeys(keys: string[], keysParam: string | null): string[] {
  return keysParam !== null
    ? keysParam.split(",").filter((k) => keys.includes(k))
    : keys.slice(0, DEFAULT_KEYS);
}

const historyPath = (runId: string, key: string) =>
  `/runs/${encodeURIComponent(runId)}/metrics/${encodeURIComponent(key)}/history?max_points=${CHART_POINTS}`;

/**
 * On a first load of a run page: the run, then its charts' histories, are
 * requested while the page's code is still loading.
 */
export function prefetchRunPage(runId: string, keysParam: string | null): void {
  prefetch<{ run: Run }>(`/runs/${encodeURIComponent(runId)}`).then(
    ({ run }) => {
      for (const key of chartKeys(sortMetricKeys(Object.keys(run.metrics)), keysParam)) {
        prefetch(historyPath(runId, key));
      }
    },
    () => {},
  );
}

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
    historyPath(runId, key),
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
