import {
  type Expression,
  type Kysely,
  type OrderByModifiers,
  type RawBuilder,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from "kysely";
import { BadRequestError } from "../../domain/errors.js";
import type { ViewType } from "../../domain/experiment.js";
import type { Comparison, OrderBy } from "../../domain/search-filter.js";
import type { Database } from "../database.js";
import type { RunSearch } from "../metadata-store.js";

type Dialect = "sqlite" | "postgres";
type RunIdQuery = SelectQueryBuilder<Database, "runs", { run_id: string }>;

interface AttributeColumn {
  column: string;
  type: "text" | "time" | "experiment";
  nullable: boolean;
}

const ATTRIBUTE_COLUMNS: Record<string, AttributeColumn> = {
  run_id: { column: "run_id", type: "text", nullable: false },
  run_name: { column: "name", type: "text", nullable: false },
  user_id: { column: "user_id", type: "text", nullable: false },
  status: { column: "status", type: "text", nullable: false },
  artifact_uri: { column: "artifact_uri", type: "text", nullable: false },
  kind: { column: "kind", type: "text", nullable: false },
  parent_id: { column: "parent_id", type: "text", nullable: true },
  start_time: { column: "start_time", type: "time", nullable: false },
  end_time: { column: "end_time", type: "time", nullable: true },
  experiment_id: { column: "experiment_id", type: "experiment", nullable: false },
};

function attributeColumn(key: string): AttributeColumn | undefined {
  return Object.hasOwn(ATTRIBUTE_COLUMNS, key) ? ATTRIBUTE_COLUMNS[key] : undefined;
}

const STAGES: Record<ViewType, string | undefined> = {
  ACTIVE_ONLY: "active",
  DELETED_ONLY: "deleted",
  ALL: undefined,
};

const DEFAULT_ORDER: OrderBy[] = [{ entity: "attribute", key: "start_time", direction: "DESC" }];

/**
 * The run ids of one page of a run search, in order, `limit + 1` rows at most
 * so the caller can tell whether another page follows.
 *
 * Semantics shared by both dialects:
 * - A run that lacks the key (metric, param, tag, dataset, or a NULL
 *   attribute such as end_time) never matches, `!=` included.
 * - A NaN metric (stored as NULL) never matches any comparison, and sorts last.
 * - LIKE is case-sensitive and ILIKE ignores case (on SQLite only ASCII case:
 *   it has no Unicode case folding); `%` and `_` are wildcards and there is no
 *   escape character, as in MLflow's SQLite and file stores.
 * - A dataset comparison matches a run with at least one input dataset that
 *   satisfies it.
 * - Missing values sort last in either direction; text sorts by code point
 *   (PostgreSQL uses the "C" collation); run_id ASC always breaks ties.
 *
 * Metric, param, tag and dataset comparisons each read the (key, value) index
 * of their table; their run ids are intersected into one `run_id IN (…)` set
 * that the planner builds once (on SQLite about twice as fast as one IN list
 * per comparison, which probes runs for every id of the first list).
 */
export function runSearchQuery(
  db: Kysely<Database>,
  dialect: Dialect,
  query: RunSearch,
): RunIdQuery {
  let q: RunIdQuery = db.selectFrom("runs").select("runs.run_id");
  if (query.experimentIds.length > 0) {
    const ids = query.experimentIds.filter((id) => /^\d+$/.test(id)).map(Number);
    q = ids.length > 0 ? q.where("runs.experiment_id", "in", ids) : q.where(sql<SqlBool>`1 = 0`);
  }
  const stage = STAGES[query.viewType];
  if (stage !== undefined) q = q.where("runs.lifecycle_stage", "=", stage);
  const runSets: Expression<unknown>[] = [];
  for (const comparison of query.filter) {
    if (comparison.entity === "attribute") q = q.where(attributeComparison(dialect, comparison));
    else runSets.push(matchingRuns(db, dialect, comparison));
  }
  if (runSets.length > 0) {
    // SQLite refuses parenthesised operands of INTERSECT, and Kysely parenthesises
    // every subquery, so each operand selects from its subquery.
    const operands = runSets.map((set, i) => {
      const alias = sql.id(`s${i}`);
      return sql`select ${alias}.run_id from ${set} as ${alias}`;
    });
    q = q.where(sql<SqlBool>`runs.run_id in (${sql.join(operands, sql` intersect `)})`);
  }
  for (const order of query.orderBy.length > 0 ? query.orderBy : DEFAULT_ORDER) {
    const { expression, modifiers } = orderTerm(dialect, order);
    q = q.orderBy(expression, modifiers);
  }
  return q
    .orderBy("runs.run_id", "asc")
    .offset(query.offset)
    .limit(query.limit + 1);
}

/** The ids of the runs that satisfy a metric, param, tag or dataset comparison. */
function matchingRuns(db: Kysely<Database>, dialect: Dialect, c: Comparison): Expression<unknown> {
  switch (c.entity) {
    case "metric": {
      return db
        .selectFrom("latest_metrics as m")
        .select("m.run_id")
        .where("m.key", "=", c.key)
        .where(numberCompare(sql.ref("m.value"), c));
    }
    case "param":
    case "tag": {
      const from = c.entity === "param" ? "run_params as kv" : "run_tags as kv";
      return (
        db
          // Both tables have the same columns; one static name keeps the builder's type simple.
          .selectFrom(from as "run_params as kv")
          .select("kv.run_id")
          .where("kv.key", "=", c.key)
          .where(stringCompare(dialect, sql.ref("kv.value"), c))
      );
    }
    case "dataset": {
      if (c.key !== "name" && c.key !== "digest" && c.key !== "context") {
        throw new BadRequestError(`unknown dataset field "${c.key}"`);
      }
      return db
        .selectFrom("run_io as io")
        .select("io.run_id")
        .where("io.direction", "=", "input")
        .where("io.kind", "=", "dataset")
        .where(stringCompare(dialect, sql.ref(`io.${c.key}`), c));
    }
    case "attribute":
      throw invalid(c);
  }
}

function attributeComparison(dialect: Dialect, c: Comparison): Expression<SqlBool> {
  const attribute = attributeColumn(c.key);
  if (attribute === undefined) throw new BadRequestError(`unknown run attribute "${c.key}"`);
  const column = sql.ref(`runs.${attribute.column}`);
  if (attribute.type === "time") return integerCompare(column, c);
  if (attribute.type === "text") return stringCompare(dialect, column, c);
  const toId = (v: string) => (/^\d+$/.test(v) ? Number(v) : -1);
  if ((c.op === "IN" || c.op === "NOT IN") && Array.isArray(c.value)) {
    return inList(column, c.op, c.value.map(toId));
  }
  if ((c.op === "=" || c.op === "!=") && typeof c.value === "string") {
    return sql<SqlBool>`${column} ${sql.raw(c.op === "=" ? "=" : "<>")} ${toId(c.value)}`;
  }
  throw invalid(c);
}

const NUMERIC_SQL: Record<string, string> = {
  "=": "=",
  "!=": "<>",
  ">": ">",
  ">=": ">=",
  "<": "<",
  "<=": "<=",
};

function numberCompare(column: Expression<unknown>, c: Comparison): RawBuilder<SqlBool> {
  const op = NUMERIC_SQL[c.op];
  if (op === undefined || typeof c.value !== "number" || !Number.isFinite(c.value)) {
    throw invalid(c);
  }
  return sql<SqlBool>`${column} ${sql.raw(op)} ${c.value}`;
}

/**
 * Time columns are integers, and PostgreSQL will not bind 1.5 as a bigint:
 * a fractional bound is rounded the way that keeps the comparison exact.
 */
function integerCompare(column: Expression<unknown>, c: Comparison): RawBuilder<SqlBool> {
  const v = c.value;
  if (typeof v !== "number" || Number.isInteger(v)) return numberCompare(column, c);
  if (!Number.isFinite(v)) throw invalid(c);
  switch (c.op) {
    case "=":
      return sql<SqlBool>`1 = 0`;
    case "!=":
      return sql<SqlBool>`${column} is not null`;
    case ">":
    case ">=":
      return sql<SqlBool>`${column} >= ${Math.ceil(v)}`;
    case "<":
    case "<=":
      return sql<SqlBool>`${column} <= ${Math.floor(v)}`;
    default:
      throw invalid(c);
  }
}

function stringCompare(
  dialect: Dialect,
  column: Expression<unknown>,
  c: Comparison,
): RawBuilder<SqlBool> {
  const { op, value } = c;
  if (op === "IN" || op === "NOT IN") {
    if (!Array.isArray(value)) throw invalid(c);
    return inList(column, op, value);
  }
  if (typeof value !== "string") throw invalid(c);
  switch (op) {
    case "=":
      return sql<SqlBool>`${column} = ${value}`;
    case "!=":
      return sql<SqlBool>`${column} <> ${value}`;
    // SQLite's LIKE ignores ASCII case and GLOB does not; PostgreSQL's LIKE
    // would treat a backslash as an escape unless told there is none.
    case "LIKE":
      return dialect === "postgres"
        ? sql<SqlBool>`${column} like ${value} escape ''`
        : sql<SqlBool>`${column} glob ${likeToGlob(value)}`;
    case "ILIKE":
      return dialect === "postgres"
        ? sql<SqlBool>`${column} ilike ${value} escape ''`
        : sql<SqlBool>`${column} like ${value}`;
    default:
      throw invalid(c);
  }
}

function inList(
  column: Expression<unknown>,
  op: "IN" | "NOT IN",
  values: readonly (string | number)[],
): RawBuilder<SqlBool> {
  // `x NOT IN ()` is not SQL; an empty list rules out nothing (but NULL still fails).
  if (values.length === 0) {
    return op === "IN" ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${column} is not null`;
  }
  const list = sql.join(values.map((v) => sql`${v}`));
  return sql<SqlBool>`${column} ${sql.raw(op === "IN" ? "in" : "not in")} (${list})`;
}

/** `%` → `*`, `_` → `?`, and GLOB's own metacharacters matched literally. */
export function likeToGlob(pattern: string): string {
  let glob = "";
  for (const ch of pattern) {
    if (ch === "%") glob += "*";
    else if (ch === "_") glob += "?";
    else if (ch === "*" || ch === "?" || ch === "[") glob += `[${ch}]`;
    else glob += ch;
  }
  return glob;
}

function invalid(c: Comparison): BadRequestError {
  return new BadRequestError(
    `cannot compare ${c.entity} "${c.key}" with ${c.op} ${JSON.stringify(c.value)}`,
  );
}

function orderTerm(
  dialect: Dialect,
  order: OrderBy,
): { expression: Expression<unknown>; modifiers: OrderByModifiers } {
  const direction = order.direction === "DESC" ? "desc" : "asc";
  const nullsLast: OrderByModifiers = (ob) =>
    direction === "desc" ? ob.desc().nullsLast() : ob.asc().nullsLast();
  // Byte order on both dialects, whatever collation the PostgreSQL database has.
  const text = (e: Expression<unknown>): Expression<unknown> =>
    dialect === "postgres" ? sql`${e} collate "C"` : e;
  switch (order.entity) {
    case "metric":
      return {
        expression: sql`(select m.value from latest_metrics as m where m.run_id = runs.run_id and m.key = ${order.key})`,
        modifiers: nullsLast,
      };
    case "param":
    case "tag": {
      const table = sql.table(order.entity === "param" ? "run_params" : "run_tags");
      return {
        expression: text(
          sql`(select kv.value from ${table} as kv where kv.run_id = runs.run_id and kv.key = ${order.key})`,
        ),
        modifiers: nullsLast,
      };
    }
    case "attribute": {
      const attribute = attributeColumn(order.key);
      if (attribute === undefined) {
        throw new BadRequestError(`cannot order runs by unknown attribute "${order.key}"`);
      }
      const column = sql.ref(`runs.${attribute.column}`);
      return {
        expression: attribute.type === "text" ? text(column) : column,
        modifiers: attribute.nullable ? nullsLast : direction,
      };
    }
  }
}
