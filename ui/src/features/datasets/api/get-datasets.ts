import { apiGet } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";
import type { DatasetVersion } from "./get-dataset-versions";

export interface DatasetSummary {
  name: string;
  versions: number;
  latest?: DatasetVersion;
}

export async function getDatasets(signal: AbortSignal): Promise<DatasetSummary[]> {
  return (await apiGet<{ datasets: DatasetSummary[] }>("/datasets", signal)).datasets;
}

export function useDatasets() {
  return useAsync((signal) => getDatasets(signal), []);
}
