import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { type ClientRequest, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { RunCapture } from "../domain/run.js";
import type { LockstepApi, StoredArtifact } from "./api-client.js";
import type { HttpClient } from "./http-client.js";
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
      const body = await putOnce(url, size, send);
      return (body as { artifact: StoredArtifact }).artifact;
    } catch (error) {
      const failure = error instanceof LockstepApiError ? error : http.networkError(error);
      if (!failure.retryable || attempt >= ATTEMPTS) throw failure;
      await sleep(backoffDelay(attempt));
    }
  }
}

function putOnce(url: URL, size: number, send: (req: ClientRequest) => void): Promise<unknown> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "PUT",
        headers: { "content-type": "application/octet-stream", "content-length": String(size) },
        // A kept-alive socket would hold the process open after the run ends.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString("utf8");
          settle(status, text, resolve, reject);
        });
      },
    );
    req.once("error", reject);
    send(req);
  });
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

/** A 2xx body as JSON, or the server's error as LockstepApiError (as readJson does for fetch). */
function settle(
  status: number,
  text: string,
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
): void {
  let parsed: { error?: { code?: unknown; message?: unknown } } | undefined;
  try {
    parsed = text === "" ? {} : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (status >= 200 && status < 300 && parsed !== undefined) {
    resolve(parsed);
    return;
  }
  const code = typeof parsed?.error?.code === "string" ? parsed.error.code : `HTTP_${status}`;
  const message =
    typeof parsed?.error?.message === "string"
      ? parsed.error.message
      : `the server answered ${status}`;
  reject(new LockstepApiError(status, code, message));
}
