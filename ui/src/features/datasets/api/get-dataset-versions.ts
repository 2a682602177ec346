import { apiGet } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

/** docs/api.md "Datasets": `createdAt` is ISO-8601, versions are `vN`. */
export interface DatasetVersion {
  name: string;
  version: string;
  number: number;
  digest: string;
  createdAt: string;
  message: string | null;
  source: string | null;
  size: number;
  files: number;
}

export async function getDatasetVersions(
  name: string,
  signal: AbortSignal,
): Promise<DatasetVersion[]> {
  const path = `/datasets/${encodeURIComponent(name)}/versions`;
  return (await apiGet<{ versions: DatasetVersion[] }>(path, signal)).versions;
}

/** Oldest first, as the server lists them. */
export function useDatasetVersions(name: string) {
  return useAsync((signal) => getDatasetVersions(name, signal), [name]);
}
