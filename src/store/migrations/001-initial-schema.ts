import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "./migrations.js";

/** Column types that differ between the dialects. */
function types(dialect: Dialect) {
  return {
    bytes: dialect === "postgres" ? sql`bytea` : sql`blob`,
    float: dialect === "postgres" ? sql`double precision` : sql`real`,
  } as const;
}

export function initialSchema(dialect: Dialect): Migration {
  const t = types(dialect);
  return {
    async up(db: Kysely<unknown>) {
      let experiments = db.schema.createTable("experiments");
      experiments =
        dialect === "postgres"
          ? experiments.addColumn("experiment_id", "bigint", (c) =>
              c.primaryKey().generatedByDefaultAsIdentity(),
            )
          : experiments.addColumn("experiment_id", "integer", (c) =>
              c.primaryKey().autoIncrement(),
            );
      await experiments
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("artifact_location", "text", (c) => c.notNull())
        .addColumn("lifecycle_stage", "text", (c) => c.notNull())
        .addColumn("creation_time", "bigint", (c) => c.notNull())
        .addColumn("last_update_time", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("experiment_tags")
        .addColumn("experiment_id", "bigint", (c) =>
          c.notNull().references("experiments.experiment_id").onDelete("cascade"),
        )
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("experiment_tags_pk", ["experiment_id", "key"])
        .execute();

      await db.schema
        .createTable("runs")
        .addColumn("run_id", "text", (c) => c.primaryKey())
        .addColumn("experiment_id", "bigint", (c) =>
          c.notNull().references("experiments.experiment_id"),
        )
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("parent_id", "text", (c) => c.references("runs.run_id"))
        .addColumn("start_time", "bigint", (c) => c.notNull())
        .addColumn("end_time", "bigint")
        .addColumn("lifecycle_stage", "text", (c) => c.notNull())
        .addColumn("deleted_time", "bigint")
        .addColumn("artifact_uri", "text", (c) => c.notNull())
        .addColumn("capture", "text")
        .execute();
      await db.schema
        .createIndex("runs_experiment_start")
        .on("runs")
        .columns(["experiment_id", "start_time desc", "run_id"])
        .execute();
      await db.schema.createIndex("runs_parent").on("runs").column("parent_id").execute();

      for (const table of ["run_params", "run_tags"]) {
        await db.schema
          .createTable(table)
          .addColumn("run_id", "text", (c) =>
            c.notNull().references("runs.run_id").onDelete("cascade"),
          )
          .addColumn("key", "text", (c) => c.notNull())
          .addColumn("value", "text", (c) => c.notNull())
          .addPrimaryKeyConstraint(`${table}_pk`, ["run_id", "key"])
          .execute();
        await db.schema
          .createIndex(`${table}_key_value`)
          .on(table)
          .columns(["key", "value", "run_id"])
          .execute();
      }

      await db.schema
        .createTable("latest_metrics")
        .addColumn("run_id", "text", (c) =>
          c.notNull().references("runs.run_id").onDelete("cascade"),
        )
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", t.float)
        .addColumn("is_nan", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("step", "bigint", (c) => c.notNull())
        .addColumn("timestamp", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("latest_metrics_pk", ["run_id", "key"])
        .execute();
      await db.schema
        .createIndex("latest_metrics_key_value")
        .on("latest_metrics")
        .columns(["key", "value", "run_id"])
        .execute();

      await db.schema
        .createTable("metric_blocks")
        .addColumn("run_id", "text", (c) =>
          c.notNull().references("runs.run_id").onDelete("cascade"),
        )
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("count", "integer", (c) => c.notNull())
        .addColumn("step_min", "bigint", (c) => c.notNull())
        .addColumn("step_max", "bigint", (c) => c.notNull())
        .addColumn("steps", t.bytes, (c) => c.notNull())
        .addColumn("vals", t.bytes, (c) => c.notNull())
        .addColumn("times", t.bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint("metric_blocks_pk", ["run_id", "key", "seq"])
        .execute();

      await db.schema
        .createTable("ingest_keys")
        .addColumn("run_id", "text", (c) =>
          c.notNull().references("runs.run_id").onDelete("cascade"),
        )
        .addColumn("idempotency_key", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("ingest_keys_pk", ["run_id", "idempotency_key"])
        .execute();

      await db.schema
        .createTable("run_io")
        .addColumn("run_id", "text", (c) =>
          c.notNull().references("runs.run_id").onDelete("cascade"),
        )
        .addColumn("direction", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("version", "text", (c) => c.notNull())
        .addColumn("digest", "text", (c) => c.notNull())
        .addColumn("context", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("run_io_pk", [
          "run_id",
          "direction",
          "kind",
          "name",
          "digest",
          "context",
        ])
        .execute();
      await db.schema.createIndex("run_io_name").on("run_io").columns(["name", "run_id"]).execute();

      await db.schema
        .createTable("artifacts")
        .addColumn("run_id", "text", (c) =>
          c.notNull().references("runs.run_id").onDelete("cascade"),
        )
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("digest", "text", (c) => c.notNull())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("artifacts_pk", ["run_id", "path"])
        .execute();
      await db.schema.createIndex("artifacts_digest").on("artifacts").column("digest").execute();

      // MLflow clients assume experiment "0" named Default exists.
      const now = Date.now();
      await sql`insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                values (0, 'Default', '', 'active', ${now}, ${now})`.execute(db);
    },
    async down() {
      throw new Error("the initial schema cannot be rolled back");
    },
  };
}
