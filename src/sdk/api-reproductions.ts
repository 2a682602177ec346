import type { ReproductionRecord } from "../domain/reproduction/reproduction-tags.js";
import type { LockstepApi } from "./api-client.js";

/** GET /api/v1/runs/:id/reproductions: the run's reproductions, newest first. */
export async function listReproductions(
  api: LockstepApi,
  runId: string,
): Promise<ReproductionRecord[]> {
  const body = await api.http.json<{ reproductions: ReproductionRecord[] }>({
    method: "GET",
    path: `/api/v1/runs/${encodeURIComponent(runId)}/reproductions`,
  });
  return body.reproductions;
}
