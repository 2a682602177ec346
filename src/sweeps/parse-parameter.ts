import type { ParameterSpec, ParamValue } from "./sweep-spec.js";

export type Issue = { path: string; message: string };

const DISTRIBUTIONS = ["uniform", "log_uniform", "int_uniform", "categorical", "constant"];

function isScalar(value: unknown): value is ParamValue {
  return (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueList(raw: unknown, path: string, issues: Issue[]): ParamValue[] | undefined {
  if (!Array.isArray(raw)) {
    issues.push({ path, message: "must be a list of values" });
    return undefined;
  }
  if (raw.length === 0) {
    issues.push({ path, message: "must hold at least one value" });
    return undefined;
  }
  const bad = raw.findIndex((v) => !isScalar(v));
  if (bad >= 0) {
    issues.push({
      path: `${path}[${bad}]`,
      message: "must be a string, a finite number or a boolean",
    });
    return undefined;
  }
  if (new Set(raw.map((v) => JSON.stringify(v))).size !== raw.length) {
    issues.push({ path, message: "holds the same value twice" });
    return undefined;
  }
  return raw as ParamValue[];
}

function range(
  raw: Record<string, unknown>,
  path: string,
  issues: Issue[],
): { min: number; max: number } | undefined {
  const { min, max } = raw;
  let ok = true;
  for (const [key, value] of [
    ["min", min],
    ["max", max],
  ] as const) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      issues.push({ path: `${path}.${key}`, message: "must be a finite number" });
      ok = false;
    }
  }
  if (!ok) return undefined;
  if ((min as number) > (max as number)) {
    issues.push({ path: `${path}.min`, message: `min ${min} is greater than max ${max}` });
    return undefined;
  }
  return { min: min as number, max: max as number };
}

/**
 * One entry of `parameters`: a bare scalar (a constant), a bare list (values),
 * `{value}`, `{values}`, or `{distribution, min, max}` / `{distribution: categorical, values}`.
 */
export function parseParameter(
  raw: unknown,
  path: string,
  issues: Issue[],
): ParameterSpec | undefined {
  if (isScalar(raw)) return { kind: "constant", value: raw };
  if (Array.isArray(raw)) {
    const values = valueList(raw, path, issues);
    return values && { kind: "values", values };
  }
  if (!isRecord(raw)) {
    issues.push({ path, message: "must be a value, a list of values or a distribution" });
    return undefined;
  }
  const distribution = raw.distribution;
  if (distribution === undefined) {
    if ("value" in raw) {
      if (!isScalar(raw.value)) {
        issues.push({
          path: `${path}.value`,
          message: "must be a string, a finite number or a boolean",
        });
        return undefined;
      }
      return { kind: "constant", value: raw.value };
    }
    if ("values" in raw) {
      const values = valueList(raw.values, `${path}.values`, issues);
      return values && { kind: "values", values };
    }
    issues.push({ path, message: "needs `value`, `values` or `distribution`" });
    return undefined;
  }
  if (typeof distribution !== "string" || !DISTRIBUTIONS.includes(distribution)) {
    issues.push({
      path: `${path}.distribution`,
      message: `unknown distribution ${JSON.stringify(distribution)} (expected ${DISTRIBUTIONS.join(", ")})`,
    });
    return undefined;
  }
  if (distribution === "constant") return parseParameter({ value: raw.value }, path, issues);
  if (distribution === "categorical") {
    const values = valueList(raw.values, `${path}.values`, issues);
    return values && { kind: "categorical", values };
  }
  const bounds = range(raw, path, issues);
  if (!bounds) return undefined;
  if (distribution === "log_uniform" && bounds.min <= 0) {
    issues.push({
      path: `${path}.min`,
      message: `a log_uniform range needs min > 0, got ${bounds.min}`,
    });
    return undefined;
  }
  if (distribution === "int_uniform") {
    if (!Number.isInteger(bounds.min) || !Number.isInteger(bounds.max)) {
      issues.push({ path, message: "an int_uniform range needs integer min and max" });
      return undefined;
    }
  }
  return { kind: distribution as "uniform" | "log_uniform" | "int_uniform", ...bounds };
}
