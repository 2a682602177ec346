import type { RunIo } from "../domain/run.js";
import type { LockstepApi } from "./api-client.js";
import { type DatasetVersionInfo, recordRunIo, resolveDatasetRef } from "./api-datasets.js";
import { checkoutToCache } from "./data/dataset-cache.js";

/** Options for {@link RunHandle.useDataset}. */
export interface UseDatasetOptions {
  /** The version as of this time (the newest created at or before it): a Date or ISO-8601 text. */
  asOf?: string | Date;
  /** `v3`, or 8+ hex digits of the version digest. Default is the latest version. */
  version?: string;
  /** How the run uses it. Default is `training`. */
  context?: string;
  /** Default is `$LOCKSTEP_HOME/cache`, else `~/.lockstep/cache`. */
  cacheDir?: string;
}

/** The reference text for a name and options, as `NAME@…`. */
export function datasetRefFor(name: string, options: UseDatasetOptions = {}): string {
  if (options.version !== undefined && options.asOf !== undefined) {
    throw new TypeError("useDataset: give either version or asOf, not both");
  }
  if (options.version !== undefined) return `${name}@${options.version}`;
  if (options.asOf !== undefined) {
    const asOf = options.asOf instanceof Date ? options.asOf.toISOString() : options.asOf;
    return `${name}@${asOf}`;
  }
  return name;
}

/** What a run records for a dataset version it used. */
export function datasetRunIo(version: DatasetVersionInfo, context: string): RunIo {
  return {
    kind: "dataset",
    name: version.name,
    version: version.version,
    digest: version.digest,
    context,
  };
}

/**
 * Resolves a dataset reference, makes the version's files available in the
 * local cache (downloading and verifying them the first time) and records
 * the exact version as an input of the run. Returns the folder.
 */
export async function useDataset(
  api: LockstepApi,
  runId: string,
  name: string,
  options: UseDatasetOptions = {},
): Promise<string> {
  const version = await resolveDatasetRef(api.http, datasetRefFor(name, options));
  const cached = await checkoutToCache(
    api.http,
    version,
    options.cacheDir ? { cacheDir: options.cacheDir } : {},
  );
  await recordRunIo(api.http, runId, {
    inputs: [datasetRunIo(version, options.context ?? "training")],
  });
  return cached.dir;
}
