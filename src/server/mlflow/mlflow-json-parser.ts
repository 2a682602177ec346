import type { FastifyInstance } from "fastify";
import { invalidParameter, MlflowError } from "./mlflow-errors.js";

// Bare NaN/Infinity outside strings: Python's json.dumps writes them and MLflow's server reads them.
const STRING_OR_SPECIAL = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;

function quoteSpecials(text: string): string {
  return text.replace(STRING_OR_SPECIAL, (token) => (token.startsWith('"') ? token : `"${token}"`));
}

/** Parses a body as MLflow's server does: JSON, empty means `{}`, bare NaN and ±Infinity allowed. */
export function parseMlflowJson(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    if (/NaN|Infinity/.test(text)) {
      try {
        return JSON.parse(quoteSpecials(text));
      } catch {}
    }
    throw new MlflowError(
      "BAD_REQUEST",
      `Malformed JSON request body: ${(error as Error).message}`,
    );
  }
}

/**
 * JSON for every content type: clients send application/json, but some send
 * no content type or text/plain, and MLflow's server reads the body anyway.
 */
export function installMlflowJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseMlflowJson(body as string));
    } catch (error) {
      done(error instanceof MlflowError ? error : invalidParameter(String(error)), undefined);
    }
  });
}
