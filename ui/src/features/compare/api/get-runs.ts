import { apiGet, type Run } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

export async function getRuns(ids: string[], signal: AbortSignal): Promise<Run[]> {
  return Promise.all(
    ids.map(
      async (id) => (await apiGet<{ run: Run }>(`/runs/${encodeURIComponent(id)}`, signal)).run,
    ),
  );
}

export function useRuns(ids: string[]) {
  return useAsync((signal) => getRuns(ids, signal), [ids.join(",")]);
}
