import { modelNameProblem } from "../domain/model-rules.js";
import type { ModelVersion } from "../domain/registered-model.js";
import type { LockstepApi, StoredArtifact } from "./api-client.js";
import { logArtifact } from "./artifact-upload.js";
import { type LocalFile, listLocalFiles } from "./local-files.js";
import { ModelsApi } from "./models-api.js";

/** Options for {@link RunHandle.logModel}. */
export interface LogModelOptions {
  /** Where in the run's artifacts the model goes. Default is `model`. */
  artifactPath?: string;
  /** Registers the uploaded files as the next version of this model (created if missing). */
  register?: string;
  /** The version's description; only with `register`. */
  description?: string;
  /** The version's tags; only with `register`. */
  tags?: Record<string, string>;
  /** Who registers it, for the registry. Default is the server's `unknown`. */
  userId?: string;
}

/** What {@link RunHandle.logModel} stored. */
export interface LoggedModel {
  /** The artifact folder holding the model's files. */
  artifactPath: string;
  /** Every uploaded file, with the digest the server computed. */
  artifacts: StoredArtifact[];
  /** The registered version, when `register` was given. */
  version?: ModelVersion;
}

/**
 * Uploads a model file or folder under one artifact folder of the run and,
 * when asked, registers that folder as a model version. A file keeps its name
 * inside the folder; a folder's tree is kept below it.
 */
export async function logModel(
  api: LockstepApi,
  runId: string,
  localPath: string,
  options: LogModelOptions = {},
): Promise<LoggedModel> {
  const artifactPath = (options.artifactPath ?? "model").replace(/\/+$/, "");
  if (options.register === undefined && (options.description || options.tags)) {
    throw new TypeError("logModel: description and tags describe a version; give register too");
  }
  // Checked before uploading, so a bad name leaves no stray artifacts behind.
  const problem = options.register === undefined ? undefined : modelNameProblem(options.register);
  if (problem)
    throw new TypeError(`logModel: invalid model name '${options.register}': ${problem}`);
  const files = await filesOf(localPath);
  if (files.length === 0) throw new Error(`logModel: no files in ${localPath}`);
  const artifacts: StoredArtifact[] = [];
  for (const file of files) {
    artifacts.push(
      await logArtifact(api.http, {
        runId,
        localPath: file.local,
        artifactPath: `${artifactPath}/${file.relative}`,
      }),
    );
  }
  if (options.register === undefined) return { artifactPath, artifacts };
  const version = await new ModelsApi(api).register(options.register, {
    runId,
    path: artifactPath,
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.tags !== undefined ? { tags: options.tags } : {}),
    ...(options.userId !== undefined ? { userId: options.userId } : {}),
  });
  return { artifactPath, artifacts, version };
}

/** A model's files with paths relative to its folder (a single file keeps its name). */
async function filesOf(local: string): Promise<LocalFile[]> {
  const { kind, files } = await listLocalFiles(local);
  if (kind === "other") throw new Error(`logModel: not a regular file or folder: ${local}`);
  return files;
}
