import { parseManifest } from "../blobs/manifest/manifest-codec.js";
import type { Manifest } from "../blobs/manifest/manifest-types.js";
import type { DatasetRetention } from "../domain/dataset.js";
import type { RunIo } from "../domain/run.js";
import { type HttpClient, readJson } from "./http-client.js";
import { LockstepApiError } from "./lockstep-api-error.js";

/** A dataset version as the HTTP API shows it (docs/api.md, "Datasets"). */
export interface DatasetVersionInfo {
  name: string;
  /** `v3` */
  version: string;
  number: number;
  /** `sha256:<hex>` of the manifest's canonical JSON. */
  digest: string;
  /** ISO-8601, assigned by the server. */
  createdAt: string;
  message: string | null;
  source: string | null;
  size: number;
  files: number;
}

export interface DatasetListing {
  name: string;
  versions: number;
  latest?: DatasetVersionInfo;
}

export interface GcReport {
  deletedBlobs: number;
  deletedBytes: number;
  deletedVersions: unknown[];
  kept: number;
}

export interface VerifyReport {
  checked: number;
  missing: string[];
  corrupt: string[];
}

/** The server's limit on digests per POST /api/v1/blobs/missing. */
export const MISSING_QUERY_LIMIT = 10_000;

const enc = encodeURIComponent;

/** The digests among `digests` that the server lacks, asked in groups the server accepts. */
export async function missingBlobs(
  http: HttpClient,
  digests: readonly string[],
): Promise<string[]> {
  const missing: string[] = [];
  for (let at = 0; at < digests.length; at += MISSING_QUERY_LIMIT) {
    const body = await http.json<{ missing: string[] }>({
      method: "POST",
      path: "/api/v1/blobs/missing",
      body: { digests: digests.slice(at, at + MISSING_QUERY_LIMIT) },
    });
    missing.push(...body.missing);
  }
  return missing;
}

/** Uploads one blob; the server refuses (400) bytes that do not hash to `digest`. */
export async function putBlob(
  http: HttpClient,
  digest: string,
  bytes: Uint8Array,
): Promise<{ digest: string; size: number }> {
  const response = await http.fetch(`/api/v1/blobs/${enc(digest)}`, {
    method: "PUT",
    headers: { "content-type": "application/octet-stream" },
    body: bytes,
    signal: AbortSignal.timeout(120_000),
  });
  return (await readJson(response)) as { digest: string; size: number };
}

/** One blob's bytes (the server verifies them as it streams; callers verify again). */
export async function getBlob(http: HttpClient, digest: string): Promise<Uint8Array> {
  const response = await http.fetch(`/api/v1/blobs/${enc(digest)}`, {
    method: "GET",
    signal: AbortSignal.timeout(120_000),
  });
  if (!response.ok) await readJson(response);
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (cause) {
    throw http.networkError(cause);
  }
}

/** Adds a version; `created` is false when the manifest equals the latest version's. */
export async function createDatasetVersion(
  http: HttpClient,
  name: string,
  request: { manifest: Manifest; message?: string; source?: string },
): Promise<{ version: DatasetVersionInfo; created: boolean }> {
  return http.json({
    method: "POST",
    path: `/api/v1/datasets/${enc(name)}/versions`,
    body: request,
  });
}

export async function listDatasets(http: HttpClient): Promise<DatasetListing[]> {
  const body = await http.json<{ datasets: DatasetListing[] }>({
    method: "GET",
    path: "/api/v1/datasets",
  });
  return body.datasets;
}

/** Every version of a dataset, oldest first. */
export async function listDatasetVersions(
  http: HttpClient,
  name: string,
): Promise<DatasetVersionInfo[]> {
  const body = await http.json<{ versions: DatasetVersionInfo[] }>({
    method: "GET",
    path: `/api/v1/datasets/${enc(name)}/versions`,
  });
  return body.versions;
}

/** The version a reference (`NAME`, `NAME@v2`, `NAME@2026-03-01`, …) names. */
export async function resolveDatasetRef(
  http: HttpClient,
  ref: string,
): Promise<DatasetVersionInfo> {
  const body = await http.json<{ version: DatasetVersionInfo }>({
    method: "GET",
    path: `/api/v1/datasets/resolve?ref=${enc(ref)}`,
  });
  return body.version;
}

/** A version's manifest, checked; `version` is `vN` or a digest. */
export async function getDatasetManifest(
  http: HttpClient,
  name: string,
  version: string,
): Promise<Manifest> {
  const response = await http.fetch(
    `/api/v1/datasets/${enc(name)}/versions/${enc(version)}/manifest`,
    { method: "GET", signal: AbortSignal.timeout(120_000) },
  );
  if (!response.ok) await readJson(response);
  const text = await response.text();
  try {
    return parseManifest(text);
  } catch (error) {
    throw new LockstepApiError(-1, "INTERNAL", `${name}@${version}: ${(error as Error).message}`);
  }
}

export async function setDatasetRetention(
  http: HttpClient,
  name: string,
  retention: DatasetRetention,
): Promise<DatasetRetention> {
  const body = await http.json<{ retention: DatasetRetention }>({
    method: "PUT",
    path: `/api/v1/datasets/${enc(name)}/retention`,
    body: retention,
  });
  return body.retention;
}

/** Records what a run read (inputs) and wrote (outputs). */
export async function recordRunIo(
  http: HttpClient,
  runId: string,
  io: { inputs?: RunIo[]; outputs?: RunIo[] },
): Promise<void> {
  await http.json({ method: "POST", path: `/api/v1/runs/${enc(runId)}/io`, body: io });
}

export async function collectGarbage(http: HttpClient, dryRun: boolean): Promise<GcReport> {
  return http.json({
    method: "POST",
    path: "/api/v1/admin/gc",
    body: { dryRun },
    timeoutMs: 600_000,
  });
}

/** Has the server re-hash every stored blob. */
export async function verifyBlobs(http: HttpClient): Promise<VerifyReport> {
  return http.json({
    method: "POST",
    path: "/api/v1/admin/verify",
    body: {},
    timeoutMs: 600_000,
  });
}
