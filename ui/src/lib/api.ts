/** The one HTTP client of the UI: JSON in and out, API errors as ApiError. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function failure(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(
      res.status,
      body.error?.code ?? "UNKNOWN",
      body.error?.message ?? `HTTP ${res.status}`,
    );
  } catch {
    return new ApiError(res.status, "UNKNOWN", `HTTP ${res.status}`);
  }
}

async function request<T>(
  path: string,
  init: RequestInit = {},
  started?: Promise<Response>,
): Promise<T> {
  const res = await (started ?? fetch(`/api/v1${path}`, init));
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/** Requests index.html started before any of this code ran, by API path. */
function takeFromPage(path: string): Promise<Response> | undefined {
  const page = (window as { __lockstepEarly?: Record<string, Promise<Response>> }).__lockstepEarly;
  const started = page?.[path];
  if (page && started) delete page[path];
  return started;
}

/** GETs started before the page that needs them has loaded, by path; each is taken once. */
const early = new Map<string, { at: number; response: Promise<unknown> }>();
const EARLY_TTL_MS = 10_000;

/**
 * Starts a GET now so the page's own `apiGet` of the same path, made once its
 * code has loaded, gets the response already on its way. Returns it too.
 */
export function prefetch<T>(path: string): Promise<T> {
  const found = early.get(path);
  if (found) return found.response as Promise<T>;
  const response = request<T>(path, {}, takeFromPage(path));
  // A prefetch nobody takes must not surface as an unhandled rejection.
  response.catch(() => {});
  early.set(path, { at: Date.now(), response });
  return response;
}

export function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  const found = early.get(path);
  if (found) {
    early.delete(path);
    if (Date.now() - found.at < EARLY_TTL_MS) return found.response as Promise<T>;
  }
  return request<T>(path, signal ? { signal } : {});
}

export function apiPost<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return request<T>(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

export function apiPut<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return request<T>(path, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/** Raw bytes of an artifact or other non-JSON resource. */
export async function apiBytes(path: string, signal?: AbortSignal): Promise<Response> {
  const res = await fetch(`/api/v1${path}`, signal ? { signal } : {});
  if (!res.ok) throw await failure(res);
  return res;
}

export function artifactUrl(runId: string, path: string): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `/api/v1/runs/${runId}/artifacts/${encoded}`;
}

/** NaN and ±Infinity travel as strings (docs/api.md). */
export type MetricJson = number | "NaN" | "Infinity" | "-Infinity";

export function metricNumber(value: MetricJson | undefined): number {
  if (value === undefined || value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  return value;
}

export type RunStatus = "RUNNING" | "SCHEDULED" | "FINISHED" | "FAILED" | "KILLED";

export interface Experiment {
  id: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: string;
  tags: Record<string, string>;
  creationTime: number;
  lastUpdateTime: number;
}

export interface RunIo {
  kind: string;
  name: string;
  version: string;
  digest: string;
  context: string;
}

export interface Run {
  id: string;
  experimentId: string;
  name: string;
  status: RunStatus;
  kind: string;
  parentId: string | null;
  userId: string;
  startTime: number;
  endTime: number | null;
  lifecycleStage: string;
  artifactUri: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, MetricJson>;
  inputs: RunIo[];
  outputs: RunIo[];
  capture?: Record<string, unknown>;
}

export interface HistoryPoint {
  value: MetricJson;
  step: number;
  timestamp: number;
}
