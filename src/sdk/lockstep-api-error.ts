/**
 * An error from the tracking server (a non-2xx response) or from reaching it.
 *
 * For a response, `status` is the HTTP status and `code` the server's error code
 * (`NOT_FOUND`, `CONFLICT`, …). When the server could not be reached at all,
 * `status` is 0, `code` is `UNAVAILABLE` and `cause` holds the network error.
 */
export class LockstepApiError extends Error {
  /** The HTTP status; 0 when no response arrived, -1 for a failure inside the SDK. */
  readonly status: number;
  /** The server's error code, or `UNAVAILABLE` when it could not be reached. */
  readonly code: string;

  constructor(status: number, code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "LockstepApiError";
    this.status = status;
    this.code = code;
  }

  /** True when retrying later may succeed: network failures, 5xx and 429. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}
