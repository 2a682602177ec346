/** Error codes the API speaks; one table maps them to HTTP statuses. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One issue found while validating input: where, and what is wrong. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * The one error type that crosses layers. Services and stores throw it with a
 * specific code; the server maps the code to a status through ERROR_STATUS.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues: ValidationIssue[] | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; issues?: ValidationIssue[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.code = code;
    this.issues = options.issues;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): { error: { code: ErrorCode; message: string; issues?: ValidationIssue[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.issues ? { issues: this.issues } : {}),
      },
    };
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super("NOT_FOUND", message);
    this.name = "NotFoundError";
  }
}

/** A unique name taken, or a write-once value written again with another value. */
export class ConflictError extends ApiError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("CONFLICT", message, options);
    this.name = "ConflictError";
  }
}

export class BadRequestError extends ApiError {
  constructor(message: string, options: { cause?: unknown; issues?: ValidationIssue[] } = {}) {
    super("BAD_REQUEST", message, options);
    this.name = "BadRequestError";
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(message: string) {
    super("PAYLOAD_TOO_LARGE", message);
    this.name = "PayloadTooLargeError";
  }
}
