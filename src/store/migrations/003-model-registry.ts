import type { Kysely, Migration } from "kysely";
import type { Dialect } from "./migrations.js";

/**
 * The model registry. Names are keys (renames cascade); versions are never
 * reused (`last_version` counts them); each version pins its files by digest
 * so replacing a run's artifacts later cannot change it; every alias move is
 * kept in `model_alias_history`.
 */
export function modelRegistrySchema(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const byModel = "registered_models.name";
      await db.schema
        .createTable("registered_models")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("last_version", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("registered_model_tags")
        .addColumn("name", "text", (c) =>
          c.notNull().references(byModel).onDelete("cascade").onUpdate("cascade"),
        )
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("registered_model_tags_pk", ["name", "key"])
        .execute();

      await db.schema
        .createTable("model_versions")
        .addColumn("name", "text", (c) =>
          c.notNull().references(byModel).onDelete("cascade").onUpdate("cascade"),
        )
        .addColumn("version", "bigint", (c) => c.notNull())
        .addColumn("run_id", "text", (c) => c.notNull().references("runs.run_id"))
        .addColumn("source_path", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("digest", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("stage", "text", (c) => c.notNull())
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("model_versions_pk", ["name", "version"])
        .execute();
      await db.schema
        .createIndex("model_versions_run")
        .on("model_versions")
        .column("run_id")
        .execute();

      await db.schema
        .createTable("model_version_files")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("version", "bigint", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("digest", "text", (c) => c.notNull())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("model_version_files_pk", ["name", "version", "path"])
        .addForeignKeyConstraint(
          "model_version_files_fk",
          ["name", "version"],
          "model_versions",
          ["name", "version"],
          (fk) => fk.onDelete("cascade").onUpdate("cascade"),
        )
        .execute();
      await db.schema
        .createIndex("model_version_files_digest")
        .on("model_version_files")
        .column("digest")
        .execute();

      await db.schema
        .createTable("model_version_tags")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("version", "bigint", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("model_version_tags_pk", ["name", "version", "key"])
        .addForeignKeyConstraint(
          "model_version_tags_fk",
          ["name", "version"],
          "model_versions",
          ["name", "version"],
          (fk) => fk.onDelete("cascade").onUpdate("cascade"),
        )
        .execute();

      // The version is a foreign key: deleting an aliased version fails even past the service.
      await db.schema
        .createTable("model_aliases")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("alias", "text", (c) => c.notNull())
        .addColumn("version", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("model_aliases_pk", ["name", "alias"])
        .addForeignKeyConstraint(
          "model_aliases_fk",
          ["name", "version"],
          "model_versions",
          ["name", "version"],
          (fk) => fk.onUpdate("cascade"),
        )
        .execute();

      await db.schema
        .createTable("model_alias_history")
        .addColumn("name", "text", (c) =>
          c.notNull().references(byModel).onDelete("cascade").onUpdate("cascade"),
        )
        .addColumn("alias", "text", (c) => c.notNull())
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addColumn("from_version", "bigint")
        .addColumn("to_version", "bigint")
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("model_alias_history_pk", ["name", "alias", "seq"])
        .execute();
    },
  };
}
