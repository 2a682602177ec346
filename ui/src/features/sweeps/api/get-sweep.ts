import { apiGet, type Run } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

export type TrialState = "queued" | "running" | "finished" | "failed" | "pruned" | "expired";

/** One trial attempt, as `lockstep sweep show --json` lists it. */
export interface Trial {
  index: number;
  attempt: number;
  runId: string | null;
  status: "SCHEDULED" | "RUNNING" | "FINISHED" | "FAILED" | "KILLED";
  state: TrialState;
  params: Record<string, unknown>;
  seed: number;
  objective: number | null;
  reason: string | null;
  startedAt: number | null;
  endedAt: number | null;
}

/** `GET /api/v1/sweeps/:id`; the id is also the sweep's parent run. */
export interface Sweep {
  id: string;
  name: string;
  experimentId: string;
  state: "running" | "finished";
  method: string;
  objective: { metric: string; goal: "minimize" | "maximize" };
  budget: { maxTrials: number; maxParallel: number };
  counts: Record<TrialState, number>;
  best: Run | null;
  bestTrial: Trial | null;
  message?: string;
  /** Each finished trial that improved on all before it, in order of ending. */
  bestSoFar: { index: number; time: number; value: number }[];
  trials: Trial[];
}

export async function getSweep(id: string, signal: AbortSignal): Promise<Sweep> {
  return (await apiGet<{ sweep: Sweep }>(`/sweeps/${encodeURIComponent(id)}`, signal)).sweep;
}

/** `revision` changes to fetch again (the page polls while the sweep runs). */
export function useSweep(id: string, revision: number) {
  return useAsync((signal) => getSweep(id, signal), [id, revision]);
}
