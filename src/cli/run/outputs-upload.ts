import { basename, resolve } from "node:path";
import type { StoredArtifact } from "../../sdk/api-client.js";
import { logArtifact } from "../../sdk/artifact-upload.js";
import type { HttpClient } from "../../sdk/http-client.js";
import { listLocalFiles } from "../../sdk/local-files.js";

export type OutputsResult = {
  uploaded: StoredArtifact[];
  /** One line per path that could not be uploaded. */
  problems: string[];
};

/**
 * Uploads each `--output` path when the command has ended: a file under its
 * name, a folder under its name with its tree below. The server answers each
 * with its digest. A missing path is reported, not fatal: the command may
 * have failed before writing it.
 */
export async function uploadOutputs(
  http: HttpClient,
  options: { runId: string; cwd: string; paths: readonly string[] },
): Promise<OutputsResult> {
  const result: OutputsResult = { uploaded: [], problems: [] };
  for (const given of options.paths) {
    const local = resolve(options.cwd, given);
    const name = basename(local);
    let files: Array<{ local: string; artifact: string }>;
    try {
      files = await listFiles(local, name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      result.problems.push(
        code === "ENOENT"
          ? `output not found: ${given}`
          : `cannot read output ${given}: ${message(error)}`,
      );
      continue;
    }
    for (const file of files) {
      try {
        result.uploaded.push(
          await logArtifact(http, {
            runId: options.runId,
            localPath: file.local,
            artifactPath: file.artifact,
          }),
        );
      } catch (error) {
        result.problems.push(`cannot upload output ${file.local}: ${message(error)}`);
      }
    }
  }
  return result;
}

/** The files of one output: a file under its name, a folder's files under the folder's name. */
async function listFiles(
  local: string,
  name: string,
): Promise<Array<{ local: string; artifact: string }>> {
  const { kind, files } = await listLocalFiles(local);
  if (kind === "other") throw new Error("not a regular file or folder");
  return files.map((f) => ({
    local: f.local,
    artifact: kind === "folder" ? `${name}/${f.relative}` : name,
  }));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
