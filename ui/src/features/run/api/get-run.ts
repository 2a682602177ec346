import { apiGet, type Run } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

export async function getRun(id: string, signal: AbortSignal): Promise<Run> {
  return (await apiGet<{ run: Run }>(`/runs/${encodeURIComponent(id)}`, signal)).run;
}

export function useRun(id: string) {
  return useAsync((signal) => getRun(id, signal), [id]);
}
