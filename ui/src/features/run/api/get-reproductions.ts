import { apiGet, type RunStatus } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

/** One `lockstep reproduce` of a run, as GET /api/v1/runs/:id/reproductions lists it. */
export interface Reproduction {
  runId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  verdict: "identical" | "within_tolerance" | "diverged" | "not_reproducible" | null;
  seeds: number | null;
}

export async function getReproductions(id: string, signal: AbortSignal): Promise<Reproduction[]> {
  return (
    await apiGet<{ count: number; reproductions: Reproduction[] }>(
      `/runs/${encodeURIComponent(id)}/reproductions`,
      signal,
    )
  ).reproductions;
}

export function useReproductions(id: string) {
  return useAsync((signal) => getReproductions(id, signal), [id]);
}
