import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import type { ClientRequest } from "node:http";
import type { RunCapture } from "../domain/run.js";
import type { LockstepApi, StoredArtifact } from "./api-client.js";
import type { HttpClient } from "./http-client.js";
import { LockstepApiError } from "./lockstep-api-error.js";
import { nodeRequest } from "./node-request.js";
import { backoffDelay, sleep } from "./retry-policy.js";

const ATTEMPTS = 4;

/** Replaces the run's capture record (PUT /api/v1/runs/:id/capture). */
export async function putCapture(
  api: LockstepApi,
  runId: string,
  capture: RunCapture,
): Promise<void> {
  await api.http.json<unknown>({
    method: "PUT",
    path: `/api/v1/runs/${encodeURIComponent(runId)}/capture`,
    body: capture,
  });
}

/**
 * Sets tags (and params) in one batch; the idempotency key makes the retries
 * of a lost response harmless.
 */
export async function setRunTags(
  api: LockstepApi,
  runId: string,
  tags: Record<string, string>,
  params: Record<string, string> = {},
): Promise<void> {
  await api.http.json<unknown>({
    method: "POST",
    path: `/api/v1/runs/${encodeURIComponent(runId)}/batch`,
    body: { tags, params, idempotencyKey: randomUUID() },
  });
}

/** Uploads bytes held in memory as an artifact. */
export function uploadArtifactBytes(
  http: HttpClient,
  options: { runId: string; artifactPath: string; bytes: Uint8Array },
): Promise<StoredArtifact> {
  return putArtifact(http, options.runId, options.artifactPath, options.bytes.byteLength, (req) =>
    req.end(options.bytes),
  );
}

/**
 * Uploads the first `size` bytes of a local file, streaming them with
 * back-pressure (memory stays flat for any size; fetch with a web stream body
 * reads the whole file ahead). A file that is still growing, like a live log,
 * is sent as of the moment it was measured.
 */
export function uploadFilePrefix(
  http: HttpClient,
  options: { runId: string; artifactPath: string; localPath: string; size: number },
): Promise<StoredArtifact> {
  const { localPath, size } = options;
  return putArtifact(http, options.runId, options.artifactPath, size, (req) => {
    if (size === 0) {
      req.end();
      return;
    }
    const file = createReadStream(localPath, { start: 0, end: size - 1 });
    file.once("error", (error) => req.destroy(error));
    file.pipe(req);
  });
}

async function putArtifact(
  http: HttpClient,
  runId: string,
  artifactPath: string,
  size: number,
  send: (req: ClientRequest) => void,
): Promise<StoredArtifact> {
  const url = new URL(
    `${http.baseUrl}/api/v1/runs/${encodeURIComponent(runId)}/artifacts/${encodeArtifactPath(artifactPath)}`,
  );
  for (let attempt = 1; ; attempt++) {
    try {
      const body = await nodeRequest(
        url,
        {
          method: "PUT",
          headers: { "content-type": "application/octet-stream", "content-length": String(size) },
        },
        send,
      );
      return (body as { artifact: StoredArtifact }).artifact;
    } catch (error) {
      const failure = error instanceof LockstepApiError ? error : http.networkError(error);
      if (!failure.retryable || attempt >= ATTEMPTS) throw failure;
      await sleep(backoffDelay(attempt));
    }
  }
}

/** Percent-encodes each segment; refuses what URL normalisation would rewrite (`..`, empty). */
export function encodeArtifactPath(path: string): string {
  const segments = path.split("/");
  if (path.includes("\0") || segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new TypeError(
      `invalid artifact path '${path}': relative, '/'-separated, without empty, '.' or '..' segments`,
    );
  }
  return segments.map((s) => encodeURIComponent(s)).join("/");
}
