import type { Kysely, Migration } from "kysely";
import type { Dialect } from "./migrations.js";

/**
 * Datasets and their versions. `last_number` and `last_created_at` live on
 * the dataset row so numbers are never reused and times keep increasing even
 * after retention removes the newest records.
 */
export function datasetsSchema(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("datasets")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("last_number", "bigint", (c) => c.notNull())
        .addColumn("last_created_at", "bigint", (c) => c.notNull())
        .addColumn("keep_last", "integer")
        .addColumn("keep_within_days", "integer")
        .execute();

      await db.schema
        .createTable("dataset_versions")
        .addColumn("name", "text", (c) =>
          c.notNull().references("datasets.name").onDelete("cascade"),
        )
        .addColumn("number", "bigint", (c) => c.notNull())
        .addColumn("digest", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("message", "text")
        .addColumn("source", "text")
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("files", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("dataset_versions_pk", ["name", "number"])
        .execute();
      await db.schema
        .createIndex("dataset_versions_time")
        .on("dataset_versions")
        .columns(["name", "created_at"])
        .execute();
      await db.schema
        .createIndex("dataset_versions_digest")
        .on("dataset_versions")
        .columns(["name", "digest"])
        .execute();
      await db.schema
        .createIndex("run_io_digest")
        .on("run_io")
        .columns(["kind", "name", "digest"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex("run_io_digest").execute();
      await db.schema.dropTable("dataset_versions").execute();
      await db.schema.dropTable("datasets").execute();
    },
  };
}
