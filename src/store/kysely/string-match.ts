import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";
import { BadRequestError } from "../../domain/errors.js";

/**
 * A string comparison that behaves the same on both dialects. SQLite's LIKE
 * ignores ASCII case, so a case-sensitive LIKE becomes a GLOB with the
 * pattern translated; ILIKE is lower() on both sides there.
 */
export function stringMatch(
  dialect: "sqlite" | "postgres",
  column: Expression<unknown>,
  op: string,
  value: string | string[] | number,
): RawBuilder<SqlBool> {
  if (op === "IN" || op === "NOT IN") {
    const list = Array.isArray(value) ? value : [String(value)];
    if (list.length === 0) return op === "IN" ? sql<SqlBool>`1 = 0` : sql<SqlBool>`1 = 1`;
    const items = sql.join(list.map((v) => sql`${v}`));
    return op === "IN"
      ? sql<SqlBool>`${column} in (${items})`
      : sql<SqlBool>`${column} not in (${items})`;
  }
  if (Array.isArray(value)) throw new BadRequestError(`operator ${op} takes a single value`);
  const v = String(value);
  switch (op) {
    case "=":
      return sql<SqlBool>`${column} = ${v}`;
    case "!=":
      return sql<SqlBool>`${column} <> ${v}`;
    case "LIKE":
      return dialect === "postgres"
        ? sql<SqlBool>`${column} like ${v}`
        : sql<SqlBool>`${column} glob ${likeToGlob(v)}`;
    case "ILIKE":
      return dialect === "postgres"
        ? sql<SqlBool>`${column} ilike ${v}`
        : sql<SqlBool>`lower(${column}) like lower(${v})`;
    default:
      throw new BadRequestError(`operator ${op} does not apply to strings`);
  }
}

/** `%` → `*`, `_` → `?`, and GLOB's own metacharacters taken literally. */
export function likeToGlob(pattern: string): string {
  let out = "";
  for (const ch of pattern) {
    if (ch === "%") out += "*";
    else if (ch === "_") out += "?";
    else if (ch === "*" || ch === "?" || ch === "[") out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

const NUMERIC_OPS = new Set(["=", "!=", ">", ">=", "<", "<="]);

export function numberCompare(
  column: Expression<unknown>,
  op: string,
  value: string | string[] | number,
): RawBuilder<SqlBool> {
  const n = typeof value === "number" ? value : Number(value);
  if (!NUMERIC_OPS.has(op) || Array.isArray(value) || !Number.isFinite(n)) {
    throw new BadRequestError(`invalid numeric comparison ${op} ${String(value)}`);
  }
  return sql<SqlBool>`${column} ${sql.raw(op === "!=" ? "<>" : op)} ${n}`;
}
