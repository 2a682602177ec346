import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import type { StoredArtifact } from "./api-client.js";
import { type HttpClient, readJson } from "./http-client.js";
import { LockstepApiError } from "./lockstep-api-error.js";
import { backoffDelay, sleep } from "./retry-policy.js";

const ATTEMPTS = 4;

/**
 * Streams a local file to PUT /api/v1/runs/:id/artifacts/<path>, so files of
 * any size upload in constant memory. Retried (from the start of the file) on
 * network errors, 5xx and 429.
 */
export async function logArtifact(
  http: HttpClient,
  options: { runId: string; localPath: string; artifactPath: string },
): Promise<StoredArtifact> {
  checkArtifactPath(options.artifactPath);
  const info = await stat(options.localPath);
  if (!info.isFile()) throw new Error(`not a file: ${options.localPath}`);
  const encodedPath = options.artifactPath
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
  const path = `/api/v1/runs/${encodeURIComponent(options.runId)}/artifacts/${encodedPath}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const init: RequestInit & { duplex: "half" } = {
        method: "PUT",
        headers: {
          "content-type": "application/octet-stream",
          "content-length": String(info.size),
        },
        body: Readable.toWeb(createReadStream(options.localPath)) as ReadableStream,
        duplex: "half",
      };
      const response = await http.fetch(path, init);
      const body = (await readJson(response)) as { artifact: StoredArtifact };
      return body.artifact;
    } catch (error) {
      if (!(error instanceof LockstepApiError) || !error.retryable || attempt >= ATTEMPTS) {
        throw error;
      }
      await sleep(backoffDelay(attempt));
    }
  }
}

/** The server refuses these too, but URL normalisation would turn `a/../b` into another path first. */
function checkArtifactPath(path: string): void {
  const segments = path.split("/");
  if (path.includes("\0") || segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new TypeError(
      `invalid artifact path '${path}': relative, '/'-separated, without empty, '.' or '..' segments`,
    );
  }
}
