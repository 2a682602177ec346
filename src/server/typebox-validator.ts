import type { TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { type ValueError, ValueErrorType } from "@sinclair/typebox/errors";
import { Value } from "@sinclair/typebox/value";
import type { FastifySchemaCompiler } from "fastify";
import type { ValidationIssue } from "../domain/errors.js";
import { BadRequestError } from "../domain/errors.js";

const MAX_ISSUES = 10;

const PART_NAMES: Record<string, string> = {
  body: "request body",
  querystring: "query string",
  params: "path",
  headers: "headers",
};

/** JSON pointer `/metrics/0/value` → `metrics.0.value`. */
function dotted(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    .join(".");
}

const TYPE_NAMES: Record<string, string> = {
  number: "a number",
  integer: "an integer",
  string: "a string",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
  null: "null",
};

/** One member of a union, as a message names it: `"NaN"`, `a number`, `null`. */
function choice(schema: TSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  return TYPE_NAMES[String(schema.type)] ?? "another accepted value";
}

function describe(error: ValueError): string {
  const { schema } = error;
  const members = schema.anyOf as TSchema[] | undefined;
  if (error.type === ValueErrorType.Union && members) {
    return `must be one of ${members.map(choice).join(", ")}`;
  }
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return "is required";
    case ValueErrorType.String:
      return "must be a string";
    case ValueErrorType.Number:
      return "must be a number";
    case ValueErrorType.Integer:
      return "must be an integer";
    case ValueErrorType.Boolean:
      return "must be a boolean";
    case ValueErrorType.Object:
      return "must be an object";
    case ValueErrorType.Array:
      return "must be an array";
    case ValueErrorType.StringPattern:
      return `must match ${schema.pattern}`;
    default:
      return error.message.charAt(0).toLowerCase() + error.message.slice(1);
  }
}

/** The first few problems, one per field; the first message found for a field wins. */
export function issuesOf(errors: Iterable<ValueError>): ValidationIssue[] {
  const byPath = new Map<string, string>();
  for (const error of errors) {
    const path = dotted(error.path);
    if (!byPath.has(path)) byPath.set(path, describe(error));
    if (byPath.size >= MAX_ISSUES) break;
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}

/**
 * Validates with TypeBox's compiled checkers instead of Fastify's Ajv: they
 * check a 10,000-point batch in well under a millisecond, never coerce JSON
 * bodies (a string where a number belongs is a 400), and give our issue form.
 * Query strings and path parameters arrive as text, so they are converted first.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = TypeCompiler.Compile(schema);
  const convert = httpPart === "querystring" || httpPart === "params";
  const part = PART_NAMES[httpPart ?? "body"] ?? httpPart ?? "request";
  return (data: unknown) => {
    const value = convert ? Value.Convert(schema, data) : data;
    if (checker.Check(value)) return { value };
    const issues = issuesOf(checker.Errors(value));
    const first = issues[0];
    const where = first ? (first.path === "" ? "" : `${first.path} `) : "";
    const message = `invalid ${part}: ${where}${first?.message ?? "does not match the schema"}`;
    return { error: new BadRequestError(message, { issues }) };
  };
};
