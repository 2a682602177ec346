import { apiGet } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

export interface ArtifactFile {
  path: string;
  isDir: boolean;
  size?: number;
  digest?: string;
}

export async function listArtifacts(
  runId: string,
  folder: string,
  signal: AbortSignal,
): Promise<ArtifactFile[]> {
  const query = folder ? `?path=${encodeURIComponent(folder)}` : "";
  const body = await apiGet<{ files: ArtifactFile[] }>(
    `/runs/${encodeURIComponent(runId)}/artifacts${query}`,
    signal,
  );
  return body.files;
}

export function useArtifacts(runId: string, folder: string) {
  return useAsync((signal) => listArtifacts(runId, folder, signal), [runId, folder]);
}
