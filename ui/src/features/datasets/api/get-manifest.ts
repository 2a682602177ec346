import { apiGet } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

/** The parts of a `lockstep-manifest/1` the page reads. */
export interface ManifestFile {
  path: string;
  size: number;
  mode: number;
  chunks: { digest: string; size: number }[];
}

export interface Manifest {
  format: string;
  files: ManifestFile[];
}

export function getManifest(name: string, version: string, signal: AbortSignal) {
  const path = `/datasets/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/manifest`;
  return apiGet<Manifest>(path, signal);
}

/** Nothing is fetched while `version` is empty. */
export function useManifest(name: string, version: string) {
  return useAsync(
    (signal) => (version === "" ? Promise.resolve(undefined) : getManifest(name, version, signal)),
    [name, version],
  );
}
