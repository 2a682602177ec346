import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../../domain/errors.js";
import { fromApiError, MlflowError, type MlflowErrorCode } from "./mlflow-errors.js";

function clientStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}

/** Fastify's own 4xx errors (body parsing, size) in MLflow's codes; never a 413 or 415. */
function codeForClientStatus(status: number): MlflowErrorCode {
  if (status === 404) return "ENDPOINT_NOT_FOUND";
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 413) return "INVALID_PARAMETER_VALUE";
  return "BAD_REQUEST";
}

/**
 * Errors in MLflow's form, `{"error_code", "message"}`, for one MLflow scope.
 * Only a bug is a 5xx: MLflow clients retry those for minutes.
 */
export function installMlflowErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    let mlflowError: MlflowError;
    if (error instanceof MlflowError) mlflowError = error;
    else if (error instanceof ApiError) mlflowError = fromApiError(error);
    else {
      const status = clientStatus(error);
      if (status === undefined) {
        request.log.error({ err: error }, "unhandled error");
        mlflowError = new MlflowError("INTERNAL_ERROR", "internal server error");
      } else {
        mlflowError = new MlflowError(codeForClientStatus(status), (error as Error).message);
      }
    }
    if (mlflowError.status >= 500 && mlflowError.errorCode !== "NOT_IMPLEMENTED") {
      request.log.error({ err: error }, "server-side failure");
    }
    return reply.status(mlflowError.status).send(mlflowError.toBody());
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = (request.url.split("?")[0] ?? "").slice(0, 200);
    return reply.status(404).send({
      error_code: "ENDPOINT_NOT_FOUND",
      message: `No API endpoint for ${request.method} ${path}`,
    });
  });
}
