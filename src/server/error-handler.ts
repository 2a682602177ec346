import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, type ErrorCode } from "../domain/errors.js";

/** Fastify's own errors (content parsing, routing) by status, in our codes. */
function codeForStatus(status: number): ErrorCode {
  if (status === 413) return "PAYLOAD_TOO_LARGE";
  if (status === 404) return "NOT_FOUND";
  if (status === 401) return "UNAUTHENTICATED";
  return "BAD_REQUEST";
}

/** Messages for Fastify's errors that a client can act on. */
function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return `unsupported content type; send application/json (${error.message})`;
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return "request body is too large";
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return "request body is empty but content-type is application/json";
    default:
      return error.message;
  }
}

function isClientError(error: unknown): error is FastifyError {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === "number" && status >= 400 && status < 500;
}

/**
 * The one place errors become responses: ApiError by its code; Fastify's
 * parsing and routing errors as 4xx in the same body form; anything else is a
 * bug, logged and answered 500 without internals.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      // An ApiError with a 5xx code (a corrupt blob) names what to repair; still a failure to log.
      if (error.status >= 500) request.log.error({ err: error }, "server-side failure");
      return reply.status(error.status).send(error.toBody());
    }
    if (isClientError(error)) {
      const code = codeForStatus(error.statusCode ?? 400);
      const status = code === "BAD_REQUEST" ? 400 : error.statusCode;
      return reply.status(status ?? 400).send({ error: { code, message: clientMessage(error) } });
    }
    request.log.error({ err: error }, "unhandled error");
    const body = { error: { code: "INTERNAL", message: "internal server error" } };
    return reply.status(500).send(body);
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = (request.url.split("?")[0] ?? "").slice(0, 200);
    const message = `no route for ${request.method} ${path}`;
    return reply.status(404).send({ error: { code: "NOT_FOUND", message } });
  });
}
