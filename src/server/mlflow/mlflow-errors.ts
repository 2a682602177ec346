import { ApiError, type ErrorCode } from "../../domain/errors.js";

/** MLflow's error codes and the statuses its server answers them with. */
export const MLFLOW_ERROR_STATUS = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_CONFLICT: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
} as const;

export type MlflowErrorCode = keyof typeof MLFLOW_ERROR_STATUS;

/** An error already in MLflow's terms, for cases Lockstep's codes cannot tell apart. */
export class MlflowError extends Error {
  readonly errorCode: MlflowErrorCode;

  constructor(errorCode: MlflowErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "MlflowError";
    this.errorCode = errorCode;
  }

  get status(): number {
    return MLFLOW_ERROR_STATUS[this.errorCode];
  }

  toBody(): { error_code: MlflowErrorCode; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

/**
 * Lockstep's codes in MLflow's terms. A conflict is a write-once param or a
 * write to a deleted run, which MLflow calls INVALID_PARAMETER_VALUE; the
 * routes where a conflict means a taken name translate it themselves. Too
 * large a request is a 400 too: MLflow has no 413 and clients know only 400.
 */
const FROM_LOCKSTEP: Record<ErrorCode, MlflowErrorCode> = {
  BAD_REQUEST: "INVALID_PARAMETER_VALUE",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  NOT_FOUND: "RESOURCE_DOES_NOT_EXIST",
  CONFLICT: "INVALID_PARAMETER_VALUE",
  PAYLOAD_TOO_LARGE: "INVALID_PARAMETER_VALUE",
  INTERNAL: "INTERNAL_ERROR",
};

export function fromApiError(error: ApiError): MlflowError {
  return new MlflowError(FROM_LOCKSTEP[error.code], error.message, { cause: error });
}

export function invalidParameter(message: string): MlflowError {
  return new MlflowError("INVALID_PARAMETER_VALUE", message);
}

/** Runs `work`, turning a ConflictError (a taken name) into RESOURCE_ALREADY_EXISTS. */
export async function nameConflictsAsExisting<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (
      error instanceof ApiError &&
      error.code === "CONFLICT" &&
      /already exists/.test(error.message)
    ) {
      throw new MlflowError("RESOURCE_ALREADY_EXISTS", error.message, { cause: error });
    }
    throw error;
  }
}
