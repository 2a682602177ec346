import { stat } from "node:fs/promises";
import { encodeArtifactPath, uploadFilePrefix } from "./api-capture.js";
import type { StoredArtifact } from "./api-client.js";
import type { HttpClient } from "./http-client.js";

/**
 * Streams a local file to PUT /api/v1/runs/:id/artifacts/<path>, so files of
 * any size upload in constant memory. Retried (from the start of the file) on
 * network errors, 5xx and 429.
 */
export async function logArtifact(
  http: HttpClient,
  options: { runId: string; localPath: string; artifactPath: string },
): Promise<StoredArtifact> {
  // Checked before touching the file: the path is the caller's mistake either way.
  encodeArtifactPath(options.artifactPath);
  const info = await stat(options.localPath);
  if (!info.isFile()) throw new Error(`not a file: ${options.localPath}`);
  return uploadFilePrefix(http, { ...options, size: info.size });
}
