import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { RunCapture } from "../domain/run.js";
import type { LockstepApi, StoredArtifact } from "./api-client.js";
import { type HttpClient, readJson } from "./http-client.js";
import { LockstepApiError } from "./lockstep-api-error.js";
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
  return putArtifact(http, options.runId, options.artifactPath, () => ({
    body: options.bytes,
    size: options.bytes.byteLength,
  }));
}

/**
 * Uploads the first `size` bytes of a local file, streaming them: a file that
 * is still growing (a live log) can be sent as of the moment it was measured.
 */
export function uploadFilePrefix(
  http: HttpClient,
  options: { runId: string; artifactPath: string; localPath: string; size: number },
): Promise<StoredArtifact> {
  const { localPath, size } = options;
  return putArtifact(http, options.runId, options.artifactPath, () => ({
    body:
      size === 0
        ? new Uint8Array(0)
        : (Readable.toWeb(
            createReadStream(localPath, { start: 0, end: size - 1 }),
          ) as ReadableStream),
    size,
  }));
}

async function putArtifact(
  http: HttpClient,
  runId: string,
  artifactPath: string,
  open: () => { body: Uint8Array | ReadableStream; size: number },
): Promise<StoredArtifact> {
  const path = `/api/v1/runs/${encodeURIComponent(runId)}/artifacts/${encodeArtifactPath(artifactPath)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const { body, size } = open();
      const init: RequestInit & { duplex: "half" } = {
        method: "PUT",
        headers: { "content-type": "application/octet-stream", "content-length": String(size) },
        body,
        duplex: "half",
      };
      const response = await http.fetch(path, init);
      return ((await readJson(response)) as { artifact: StoredArtifact }).artifact;
    } catch (error) {
      if (!(error instanceof LockstepApiError) || !error.retryable || attempt >= ATTEMPTS) {
        throw error;
      }
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
