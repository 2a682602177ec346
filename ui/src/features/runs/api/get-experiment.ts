import { apiGet, type Experiment } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

export async function getExperiment(id: string, signal: AbortSignal): Promise<Experiment> {
  const body = await apiGet<{ experiment: Experiment }>(
    `/experiments/${encodeURIComponent(id)}`,
    signal,
  );
  return body.experiment;
}

export function useExperiment(id: string) {
  return useAsync((signal) => getExperiment(id, signal), [id]);
}
