import { LockstepApiError } from "./lockstep-api-error.js";
import { backoffDelay, sleep } from "./retry-policy.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest {
  method: HttpMethod;
  /** Path and query under the base URL, starting with `/`. */
  path: string;
  /** A JSON value, or an already encoded JSON string. */
  body?: unknown;
  /** Attempts after the first on network errors, 5xx and 429. */
  retries?: number;
  /**
   * False for requests that must not run twice (creating a run): they are
   * retried only when the connection was refused, so the server never saw them.
   */
  idempotent?: boolean;
  timeoutMs?: number;
}

export interface HttpClientOptions {
  baseUrl: string;
  /** Default is `2`. */
  retries?: number;
  /** Default is `30000`. */
  timeoutMs?: number;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_SOCKET: "connection closed",
  UND_ERR_CONNECT_TIMEOUT: "timed out",
};

/** JSON over fetch: maps non-2xx to LockstepApiError and retries what may succeed later. */
export class HttpClient {
  readonly baseUrl: string;
  private readonly retries: number;
  private readonly timeoutMs: number;

  constructor(options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.retries = options.retries ?? 2;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async json<T>(request: HttpRequest): Promise<T> {
    const retries = request.retries ?? this.retries;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(request);
      } catch (error) {
        const retry =
          error instanceof LockstepApiError &&
          error.retryable &&
          attempt <= retries &&
          (request.idempotent !== false || connectionRefused(error));
        if (!retry) throw error;
        await sleep(backoffDelay(attempt));
      }
    }
  }

  /** One attempt, no retries. */
  async once<T>(request: HttpRequest): Promise<T> {
    const body = jsonBodyOf(request);
    const response = await this.fetch(request.path, {
      method: request.method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(request.timeoutMs ?? this.timeoutMs),
    });
    return (await readJson(response)) as T;
  }

  /** fetch under the base URL, turning network failures into LockstepApiError. */
  async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, init);
    } catch (cause) {
      throw this.networkError(cause);
    }
  }

  networkError(cause: unknown): LockstepApiError {
    return unreachable(this.baseUrl, cause);
  }
}

/** The parsed body of a 2xx response, or the server's error as LockstepApiError. */
/** The request's body as JSON text (a string is sent as it is), or undefined. */
export function jsonBodyOf(request: HttpRequest): string | undefined {
  if (request.body === undefined) return undefined;
  return typeof request.body === "string" ? request.body : JSON.stringify(request.body);
}

export async function readJson(response: Response): Promise<unknown> {
  return parseApiAnswer(response.status, await response.text(), response.statusText);
}

/** The body of an answer when its status is 2xx; else the server's error, thrown as LockstepApiError. */
export function parseApiAnswer(status: number, text: string, statusText = ""): unknown {
  let parsed: unknown;
  try {
    parsed = text === "" ? {} : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (status >= 200 && status < 300) {
    if (parsed === undefined) {
      throw new LockstepApiError(status, "INTERNAL", "the server sent invalid JSON");
    }
    return parsed;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === "string" ? error.code : `HTTP_${status}`;
  const message =
    typeof error?.message === "string"
      ? error.message
      : `the server answered ${status} ${statusText}`.trim();
  throw new LockstepApiError(status, code, message);
}

/** The error for a server that could not be reached at all. */
export function unreachable(baseUrl: string, cause: unknown): LockstepApiError {
  return new LockstepApiError(
    0,
    "UNAVAILABLE",
    `cannot reach the tracking server at ${baseUrl} (${describeNetworkError(cause)})`,
    { cause },
  );
}

function connectionRefused(error: LockstepApiError): boolean {
  return error.status === 0 && describeNetworkError(error.cause) === NETWORK_REASONS.ECONNREFUSED;
}

function describeNetworkError(cause: unknown): string {
  for (let current = cause, depth = 0; current && depth < 5; depth++) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (typeof code === "string" && NETWORK_REASONS[code]) return NETWORK_REASONS[code];
    if (name === "TimeoutError" || name === "AbortError") return "timed out";
    current = (current as { cause?: unknown }).cause;
  }
  return cause instanceof Error ? cause.message : String(cause);
}
