import type { SweepView } from "../../../../../src/sweeps/sweep-views.js";
import { apiGet, type Run } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

// The server's own types: the page reads exactly what the route returns. The
// best trial's run is read with the UI's own Run type, like every other run.
export type {
  TrialStateName as TrialState,
  TrialView as Trial,
} from "../../../../../src/sweeps/sweep-views.js";
export type Sweep = Omit<SweepView, "best"> & { best: Run | null };

export async function getSweep(id: string, signal: AbortSignal): Promise<Sweep> {
  return (await apiGet<{ sweep: Sweep }>(`/sweeps/${encodeURIComponent(id)}`, signal)).sweep;
}

/** `revision` changes to fetch again (the page polls while the sweep runs). */
export function useSweep(id: string, revision: number) {
  return useAsync((signal) => getSweep(id, signal), [id, revision]);
}
