import type { FastifyRequest } from "fastify";
import type { ViewType } from "../../domain/experiment.js";
import type { MetricValueInput } from "../../services/metric-service.js";
import { invalidParameter } from "./mlflow-errors.js";

/** A request's fields: the query string, overlaid by a JSON object body (DELETE sends one too). */
export type Fields = Record<string, unknown>;

export function fieldsOf(request: FastifyRequest): Fields {
  const query = (request.query ?? {}) as Fields;
  const body = request.body;
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    return { ...query, ...(body as Fields) };
  }
  return { ...query };
}

/** A query string repeats a key for a list but gives a lone value as a string. */
function single(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function missing(name: string): never {
  throw invalidParameter(`Missing value for required parameter '${name}'.`);
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function optionalString(fields: Fields, name: string): string | undefined {
  const value = single(fields[name]);
  if (!present(value)) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw invalidParameter(`Invalid value for parameter '${name}': expected a string.`);
}

export function requiredString(fields: Fields, name: string): string {
  return optionalString(fields, name) ?? missing(name);
}

/** Like requiredString, but "" counts as missing (names, ids). */
export function requiredNonEmpty(fields: Fields, name: string): string {
  const value = requiredString(fields, name);
  return value === "" ? missing(name) : value;
}

/** A run id: `run_id`, or the legacy `run_uuid` that old clients send as well or instead. */
export function runIdOf(fields: Fields): string {
  const runId = optionalString(fields, "run_id");
  if (runId) return runId;
  const runUuid = optionalString(fields, "run_uuid");
  return runUuid || missing("run_id");
}

/** Experiment ids are strings; some clients send numbers. */
export function experimentIdOf(fields: Fields, name = "experiment_id"): string {
  return requiredNonEmpty(fields, name);
}

/** int64 fields arrive as JSON numbers, or as strings (protobuf JSON, query strings). */
export function optionalInt(fields: Fields, name: string): number | undefined {
  const value = single(fields[name]);
  if (!present(value) || value === "") return undefined;
  const number = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number)) {
    throw invalidParameter(
      `Invalid value ${JSON.stringify(value)} for parameter '${name}': expected an integer.`,
    );
  }
  return number;
}

export function requiredInt(fields: Fields, name: string): number {
  return optionalInt(fields, name) ?? missing(name);
}

/** A list field: a JSON array, repeated query keys, or one lone value. */
export function stringList(fields: Fields, name: string): string[] {
  const value = fields[name];
  if (!present(value)) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item === "string") return item;
    if (typeof item === "number") return String(item);
    throw invalidParameter(`Invalid value for parameter '${name}': expected a list of strings.`);
  });
}

/** An array of objects (tags, metrics, params); anything else is invalid. */
export function objectList(fields: Fields, name: string): Fields[] {
  const value = fields[name];
  if (!present(value)) return [];
  if (!Array.isArray(value) || !value.every((v) => v !== null && typeof v === "object")) {
    throw invalidParameter(`Invalid value for parameter '${name}': expected a list of objects.`);
  }
  return value as Fields[];
}

/** `[{key, value}]` as a map; a later key wins, as MLflow's stores do for tags. */
export function keyValueMap(fields: Fields, name: string): Record<string, string> {
  // No prototype: a key named "__proto__" must be kept like any other.
  const map: Record<string, string> = Object.create(null);
  for (const entry of objectList(fields, name)) {
    map[requiredString(entry, "key")] = requiredString(entry, "value");
  }
  return map;
}

const SPECIAL_VALUES = new Set(["NaN", "Infinity", "-Infinity"]);

/** A double: a number, "NaN"/"Infinity"/"-Infinity", or a numeric string. */
export function metricValue(fields: Fields, name = "value"): MetricValueInput {
  const value = single(fields[name]);
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    if (SPECIAL_VALUES.has(value)) return value as MetricValueInput;
    const number = value.trim() === "" ? Number.NaN : Number(value);
    if (!Number.isNaN(number)) return number;
  }
  if (!present(value)) missing(name);
  throw invalidParameter(
    `Invalid value ${JSON.stringify(value)} for parameter '${name}': expected a number.`,
  );
}

const VIEW_TYPES: Record<string, ViewType> = {
  ACTIVE_ONLY: "ACTIVE_ONLY",
  DELETED_ONLY: "DELETED_ONLY",
  ALL: "ALL",
  "1": "ACTIVE_ONLY",
  "2": "DELETED_ONLY",
  "3": "ALL",
};

/** An enum by name (or by its proto number, as some clients send it). */
export function viewTypeOf(fields: Fields, name: string): ViewType | undefined {
  const value = optionalString(fields, name);
  if (value === undefined || value === "") return undefined;
  const viewType = VIEW_TYPES[value.toUpperCase()];
  if (!viewType)
    throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}'.`);
  return viewType;
}
