import type { RunIo } from "../../domain/run.js";
import type { LockstepApi } from "../../sdk/api-client.js";
import { resolveDatasetRef } from "../../sdk/api-datasets.js";
import { checkoutToCache } from "../../sdk/data/dataset-cache.js";
import { datasetRunIo } from "../../sdk/run-dataset.js";

/** `LOCKSTEP_DATA_<NAME>`: the name upper-cased, other characters than letters and digits as `_`. */
export function datasetEnvName(name: string): string {
  return `LOCKSTEP_DATA_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/**
 * For `lockstep run --data REF`: resolves the reference, makes the version
 * available in the local cache (a second run does not download again) and
 * returns the variable to set, the folder, and the input to record (context
 * `training`). Recording is left to the caller, which owns the run.
 */
export async function resolveDatasetForRun(
  api: LockstepApi,
  ref: string,
  cacheDir?: string,
): Promise<{ envName: string; dir: string; io: RunIo }> {
  const version = await resolveDatasetRef(api.http, ref);
  const { dir } = await checkoutToCache(api.http, version, cacheDir ? { cacheDir } : {});
  return { envName: datasetEnvName(version.name), dir, io: datasetRunIo(version, "training") };
}
