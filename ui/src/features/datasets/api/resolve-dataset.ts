import { apiGet } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";
import type { DatasetVersion } from "./get-dataset-versions";

/** The server's time travel: `NAME@<ISO time>` is the newest version created at or before it. */
export async function resolveDataset(ref: string, signal: AbortSignal): Promise<DatasetVersion> {
  const path = `/datasets/resolve?ref=${encodeURIComponent(ref)}`;
  return (await apiGet<{ version: DatasetVersion }>(path, signal)).version;
}

/** Resolves `name` as of `isoTime`; nothing is fetched while the time is empty. */
export function useDatasetAsOf(name: string, isoTime: string) {
  return useAsync(
    (signal) =>
      isoTime === "" ? Promise.resolve(undefined) : resolveDataset(`${name}@${isoTime}`, signal),
    [name, isoTime],
  );
}
