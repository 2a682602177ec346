import type { ArtifactDigest, RunSnapshot } from "../../domain/reproduction/reproduction-types.js";
import type { Run } from "../../domain/run.js";
import type { LockstepApi } from "../../sdk/api-client.js";

type Listing = { files: Array<{ path: string; isDir: boolean; digest?: string }> };

/** A recorded run with every metric's full history and every artifact's digest. */
export async function fetchRunSnapshot(api: LockstepApi, runId: string): Promise<RunSnapshot> {
  return snapshotOf(api, await api.getRun(runId));
}

/** The snapshot of a run already read. */
export async function snapshotOf(api: LockstepApi, run: Run): Promise<RunSnapshot> {
  const [histories, artifacts] = await Promise.all([
    Promise.all(
      Object.keys(run.metrics).map(
        async (key) => [key, await api.metricHistory(run.id, key)] as const,
      ),
    ),
    listArtifacts(api, run.id),
  ]);
  return {
    run: {
      id: run.id,
      status: run.status,
      params: run.params,
      tags: run.tags,
      inputs: run.inputs,
      ...(run.capture ? { capture: run.capture } : {}),
    },
    metrics: Object.fromEntries(histories),
    artifacts,
  };
}

/** Every artifact file below `dir`, folders walked breadth-first, each folder in one request. */
export async function listArtifacts(
  api: LockstepApi,
  runId: string,
  dir = "",
): Promise<ArtifactDigest[]> {
  const listing = await api.http.json<Listing>({
    method: "GET",
    path: `/api/v1/runs/${encodeURIComponent(runId)}/artifacts?path=${encodeURIComponent(dir)}`,
  });
  const files: ArtifactDigest[] = [];
  const folders: string[] = [];
  for (const entry of listing.files) {
    if (entry.isDir) folders.push(entry.path);
    else files.push({ path: entry.path, digest: entry.digest ?? "" });
  }
  const nested = await Promise.all(folders.map((f) => listArtifacts(api, runId, f)));
  return [...files, ...nested.flat()].sort((a, b) => (a.path < b.path ? -1 : 1));
}
