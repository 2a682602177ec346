import type { MetricSpread } from "../../domain/reproduction/reproduction-types.js";
import { uploadArtifactBytes } from "../../sdk/api-capture.js";
import type { LockstepApi } from "../../sdk/api-client.js";

/** Where a run carries the spread of its metrics over seeds: its noise band. */
export const SEED_SPREAD_ARTIFACT = "lockstep/seed-spread.json";

export interface StoredSeedSpread {
  seeds: number[];
  runs: string[];
  spread: MetricSpread[];
}

/** The spread stored on a run by `reproduce --seeds`, or undefined when it has none. */
export async function readSeedSpread(
  api: LockstepApi,
  runId: string,
): Promise<StoredSeedSpread | undefined> {
  const response = await api.http.fetch(
    `/api/v1/runs/${encodeURIComponent(runId)}/artifacts/${SEED_SPREAD_ARTIFACT}`,
    { method: "GET" },
  );
  if (response.status === 404) return undefined;
  if (!response.ok)
    throw new Error(`reading ${SEED_SPREAD_ARTIFACT}: the server answered ${response.status}`);
  return (await response.json()) as StoredSeedSpread;
}

/** Stores the spread on the run (replacing an earlier one). */
export async function writeSeedSpread(
  api: LockstepApi,
  runId: string,
  spread: StoredSeedSpread,
): Promise<void> {
  const bytes = new TextEncoder().encode(`${JSON.stringify(spread, null, 2)}\n`);
  await uploadArtifactBytes(api.http, { runId, artifactPath: SEED_SPREAD_ARTIFACT, bytes });
}
