import { apiPost, type Run } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

/** Counting is capped: the API has no count, and listing 10,000 runs per row would be slow. */
export const COUNT_CAP = 100;

export interface ExperimentActivity {
  runs: number;
  more: boolean;
  lastStart: number | undefined;
}

export async function getExperimentActivity(
  experimentId: string,
  signal: AbortSignal,
): Promise<ExperimentActivity> {
  const page = await apiPost<{ runs: Run[]; nextPageToken?: string }>(
    "/runs/search",
    { experimentIds: [experimentId], maxResults: COUNT_CAP },
    signal,
  );
  // The default order is start_time DESC, so the first run is the latest.
  return {
    runs: page.runs.length,
    more: page.nextPageToken !== undefined,
    lastStart: page.runs[0]?.startTime,
  };
}

export function useExperimentActivity(experimentId: string) {
  return useAsync((signal) => getExperimentActivity(experimentId, signal), [experimentId]);
}
