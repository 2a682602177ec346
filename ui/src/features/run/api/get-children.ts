import { apiGet, type Run } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

export async function getChildren(id: string, signal: AbortSignal): Promise<Run[]> {
  return (await apiGet<{ runs: Run[] }>(`/runs/${encodeURIComponent(id)}/children`, signal)).runs;
}

export function useChildren(id: string) {
  return useAsync((signal) => getChildren(id, signal), [id]);
}
