import { type CaptureRunResult, captureRun } from "../capture/capture-run.js";
import type { RunCaptureRecord } from "../capture/capture-types.js";
import { captureToMlflowTags } from "../capture/mlflow-tags.js";
import { isSecretName } from "../capture/secret-filter.js";
import { putCapture, setRunTags, uploadArtifactBytes } from "./api-capture.js";
import type { LockstepApi } from "./api-client.js";

/** Where a run's uncommitted changes are stored among its artifacts. */
export const CODE_PATCH_ARTIFACT = "lockstep/code.patch";

export type RecordCaptureOptions = {
  cwd: string;
  /** The command the run starts, program first. */
  argv: string[];
  seed: number;
  /** The environment the command inherits. */
  env: NodeJS.ProcessEnv;
  /**
   * The seed and determinism variables actually exported to the command;
   * recorded in `capture.seed.determinismEnv` (secret-looking names never are).
   */
  exportedEnv?: Record<string, string>;
  /** Whether the user chose the seed or it was drawn for them. Default is `given`. */
  seedSource?: "given" | "drawn";
};

/**
 * Captures code, seed and environment for a run that is starting and stores
 * them: the uncommitted diff as the artifact `lockstep/code.patch`, the record
 * itself, and the MLflow system tags plus `lockstep.seed`.
 *
 * @example
 * const capture = await recordCapture(api, run, {
 *   cwd: process.cwd(), argv: ["python3", "train.py"], seed: 7, env: process.env,
 * });
 */
export async function recordCapture(
  api: LockstepApi,
  run: { id: string },
  options: RecordCaptureOptions,
): Promise<RunCaptureRecord> {
  const result = await captureRun({
    cwd: options.cwd,
    argv: options.argv,
    seed: options.seed,
    env: options.env,
  });
  return storeCapture(api, run, result, options);
}

/**
 * The storing half of recordCapture, for callers that start `captureRun`
 * before the run exists (so git is read as early as possible).
 */
export async function storeCapture(
  api: LockstepApi,
  run: { id: string },
  result: CaptureRunResult,
  options: Pick<RecordCaptureOptions, "exportedEnv" | "seedSource"> = {},
): Promise<RunCaptureRecord> {
  const capture = structuredClone(result.capture);
  if (options.seedSource) capture.seed.source = options.seedSource;
  for (const [name, value] of Object.entries(options.exportedEnv ?? {})) {
    if (!isSecretName(name)) capture.seed.determinismEnv[name] = value;
  }
  if (result.diff) {
    try {
      const stored = await uploadArtifactBytes(api.http, {
        runId: run.id,
        artifactPath: CODE_PATCH_ARTIFACT,
        bytes: result.diff,
      });
      capture.code.diff = { digest: stored.digest, size: stored.size };
    } catch (error) {
      // The rest of the record is still worth keeping; say why the diff is missing.
      capture.code.diff = null;
      capture.code.diffOmitted = `upload failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  await putCapture(api, run.id, capture);
  await setRunTags(api, run.id, {
    ...captureToMlflowTags(capture),
    "lockstep.seed": String(capture.seed.root),
  });
  return capture;
}
