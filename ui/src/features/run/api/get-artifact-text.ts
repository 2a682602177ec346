import { ApiError, apiBytes } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

/** Previews read the first bytes only; the full file is a download away. */
export const PREVIEW_BYTES = 256 * 1024;

export interface ArtifactText {
  text: string;
  truncated: boolean;
}

export async function getArtifactText(
  runId: string,
  path: string,
  signal: AbortSignal,
): Promise<ArtifactText | undefined> {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  try {
    const res = await apiBytes(`/runs/${encodeURIComponent(runId)}/artifacts/${encoded}`, signal);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const truncated = bytes.length > PREVIEW_BYTES;
    const text = new TextDecoder().decode(truncated ? bytes.subarray(0, PREVIEW_BYTES) : bytes);
    return { text, truncated };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

export function useArtifactText(runId: string, path: string | undefined) {
  return useAsync(
    (signal) =>
      path === undefined ? Promise.resolve(undefined) : getArtifactText(runId, path, signal),
    [runId, path],
  );
}
