import type { LockstepApi } from "../api-client.js";
import { type DatasetVersionInfo, recordRunIo } from "../api-datasets.js";
import { datasetRunIo } from "../run-dataset.js";
import { type AddDatasetOptions, addDatasetVersion } from "./add-dataset-version.js";

/** Options for {@link RunHandle.logDatasetOutput}. */
export interface LogDatasetOutputOptions {
  /** The version's message. Default names the run. */
  message?: string;
  /** How the run made it. Default is `output`. */
  context?: string;
  onProgress?: AddDatasetOptions["onProgress"];
}

/**
 * Adds a file or folder the run produced as a dataset version (or finds the
 * identical latest one) and records that exact version as an output of the
 * run, which also protects it from retention and garbage collection.
 */
export async function logDatasetOutput(
  api: LockstepApi,
  runId: string,
  name: string,
  path: string,
  options: LogDatasetOutputOptions = {},
): Promise<DatasetVersionInfo> {
  const { version } = await addDatasetVersion(api.http, name, path, {
    message: options.message ?? `output of run ${runId}`,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  await recordRunIo(api.http, runId, {
    outputs: [datasetRunIo(version, options.context ?? "output")],
  });
  return version;
}
