import { type Kysely, Migrator } from "kysely";
import type { Database } from "../database.js";
import { type Dialect, migrationProvider } from "../migrations/migrations.js";

/** Brings the schema to the latest version; Kysely's Migrator locks so replicas can race safely. */
export async function runMigrations(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`database migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
