import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import { BadRequestError } from "../../domain/errors.js";
import type { RegistryComparison } from "../../domain/registry-search.js";
import type { Database } from "../database.js";
import { stringMatch } from "./string-match.js";

type Dialect = "sqlite" | "postgres";
type ModelsEb = ExpressionBuilder<Database & { m: Database["registered_models"] }, "m">;
type VersionsEb = ExpressionBuilder<Database & { v: Database["model_versions"] }, "v">;

const TAG_PREFIX = "tags.";

/** The WHERE of a model search over `registered_models as m`: on `name` and `tags.<key>`. */
export function modelFilter(dialect: Dialect, comparisons: RegistryComparison[]) {
  return (eb: ModelsEb): Expression<SqlBool> =>
    eb.and(
      comparisons.map((c) => {
        if (c.key === "name") return stringMatch(dialect, eb.ref("m.name"), c.op, c.value);
        const key = tagKey(c);
        return eb.exists(
          eb
            .selectFrom("registered_model_tags as t")
            .select(sql.lit(1).as("one"))
            .whereRef("t.name", "=", "m.name")
            .where("t.key", "=", key)
            .where(stringMatch(dialect, sql.ref("t.value"), c.op, c.value)),
        );
      }),
    );
}

/**
 * The WHERE of a version search over `model_versions as v`: on `name`,
 * `run_id`, `version` (as text, the way MLflow clients send it) and `tags.<key>`.
 */
export function versionFilter(dialect: Dialect, comparisons: RegistryComparison[]) {
  return (eb: VersionsEb): Expression<SqlBool> =>
    eb.and(
      comparisons.map((c) => {
        switch (c.key) {
          case "name":
            return stringMatch(dialect, eb.ref("v.name"), c.op, c.value);
          case "run_id":
            return stringMatch(dialect, eb.ref("v.run_id"), c.op, c.value);
          case "version":
            return stringMatch(dialect, sql`cast(${eb.ref("v.version")} as text)`, c.op, c.value);
        }
        const key = tagKey(c);
        return eb.exists(
          eb
            .selectFrom("model_version_tags as t")
            .select(sql.lit(1).as("one"))
            .whereRef("t.name", "=", "v.name")
            .whereRef("t.version", "=", "v.version")
            .where("t.key", "=", key)
            .where(stringMatch(dialect, sql.ref("t.value"), c.op, c.value)),
        );
      }),
    );
}

/** The services parse filters; a key they let through that is no tag is a bug, reported as such. */
function tagKey(c: RegistryComparison): string {
  if (!c.key.startsWith(TAG_PREFIX)) {
    throw new BadRequestError(`cannot search the registry by ${JSON.stringify(c.key)}`);
  }
  return c.key.slice(TAG_PREFIX.length);
}
