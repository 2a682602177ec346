import { type Expression, type Kysely, type SqlBool, sql } from "kysely";
import { BadRequestError } from "../../domain/errors.js";
import type { Comparison } from "../../domain/search-filter.js";
import type { Database } from "../database.js";
import type { ExperimentSearch } from "../metadata-store.js";
import { numberCompare, stringMatch } from "./string-match.js";

const ORDER_COLUMNS = {
  name: "experiments.name",
  creation_time: "experiments.creation_time",
  last_update_time: "experiments.last_update_time",
  experiment_id: "experiments.experiment_id",
} as const;

const STAGES = { ACTIVE_ONLY: ["active"], DELETED_ONLY: ["deleted"], ALL: null } as const;

/**
 * Experiment ids of one page, in order: MLflow's default is newest first
 * (creation_time DESC), and experiment_id always breaks ties.
 */
export function experimentSearchQuery(
  db: Kysely<Database>,
  dialect: "sqlite" | "postgres",
  query: ExperimentSearch,
) {
  let q = db.selectFrom("experiments").select("experiments.experiment_id");
  const stages = STAGES[query.viewType];
  if (stages) q = q.where("experiments.lifecycle_stage", "in", [...stages]);
  for (const c of query.filter) {
    q = q.where(comparison(db, dialect, c));
  }
  const orderBy =
    query.orderBy.length > 0
      ? query.orderBy
      : [{ entity: "attribute", key: "creation_time", direction: "DESC" } as const];
  for (const o of orderBy) {
    const column = ORDER_COLUMNS[o.key as keyof typeof ORDER_COLUMNS];
    if (o.entity !== "attribute" || !column) {
      throw new BadRequestError(`cannot order experiments by ${o.entity}.${o.key}`);
    }
    // Names sort by code point on both dialects, as run search does.
    const expression =
      dialect === "postgres" && o.key === "name"
        ? sql`${sql.ref(column)} collate "C"`
        : sql.ref(column);
    q = q.orderBy(expression, o.direction === "DESC" ? "desc" : "asc");
  }
  if (!orderBy.some((o) => o.key === "experiment_id")) {
    q = q.orderBy("experiments.experiment_id", "asc");
  }
  return q.offset(query.offset).limit(query.limit + 1);
}

function comparison(
  db: Kysely<Database>,
  dialect: "sqlite" | "postgres",
  c: Comparison,
): Expression<SqlBool> {
  if (c.entity === "tag") {
    // A tag comparison only matches experiments that have the tag at all.
    const tagged = db
      .selectFrom("experiment_tags")
      .select("experiment_tags.experiment_id")
      .where("experiment_tags.key", "=", c.key)
      .where(stringMatch(dialect, sql.ref("experiment_tags.value"), c.op, c.value));
    return sql<SqlBool>`experiments.experiment_id in (${tagged})`;
  }
  if (c.entity === "attribute") {
    switch (c.key) {
      case "name":
        return stringMatch(dialect, sql.ref("experiments.name"), c.op, c.value);
      case "creation_time":
      case "last_update_time":
        return numberCompare(sql.ref(`experiments.${c.key}`), c.op, c.value);
    }
  }
  throw new BadRequestError(`cannot filter experiments by ${c.entity}.${c.key}`);
}
