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

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`/api/v1${path}`, init);
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
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
