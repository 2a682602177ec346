import { Kysely, SqliteDialect } from "kysely";
import type { Database } from "../database.js";
import { KyselyArtifactReads } from "../kysely/artifact-reads.js";
import { KyselyExperimentReads } from "../kysely/experiment-reads.js";
import { KyselyModelRegistryReads } from "../kysely/model-registry-reads.js";
import { runMigrations } from "../kysely/run-migrations.js";
import { KyselyRunReads } from "../kysely/run-reads.js";
import { KyselySweepReads } from "../kysely/sweep-reads.js";
import type { MetadataStore } from "../metadata-store.js";
import { KyselyMetricStore } from "../metrics/kysely-metric-store.js";
import { SqliteArtifactIndex } from "./sqlite-artifact-index.js";
import { openSqliteDatabase } from "./sqlite-database.js";
import { SqliteDatasetStore } from "./sqlite-dataset-store.js";
import { SqliteExperimentStore } from "./sqlite-experiment-store.js";
import { SqliteModelRegistryStore } from "./sqlite-model-registry-store.js";
import { SqliteRunStore } from "./sqlite-run-store.js";
import { SqliteSweepStore } from "./sqlite-sweep-store.js";

/**
 * The embedded store. One better-sqlite3 connection serves both Kysely (reads)
 * and synchronous prepared statements (all writes). Kysely never opens a
 * transaction here: an async transaction could interleave with the sync
 * writes on the same connection.
 */
export async function openSqliteStore(path: string): Promise<MetadataStore> {
  const sqlite = openSqliteDatabase(path);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    // The Migrator's own transaction runs before any sync write can exist.
    await runMigrations(db, "sqlite");
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return {
    dialect: "sqlite",
    experiments: new SqliteExperimentStore(sqlite, new KyselyExperimentReads(db, "sqlite")),
    runs: new SqliteRunStore(sqlite, new KyselyRunReads(db, "sqlite")),
    metrics: new KyselyMetricStore(db),
    artifacts: new SqliteArtifactIndex(sqlite, new KyselyArtifactReads(db)),
    datasets: new SqliteDatasetStore(sqlite, db),
    // Kysely's SQLite driver closes the better-sqlite3 handle.
    models: new SqliteModelRegistryStore(sqlite, new KyselyModelRegistryReads(db)),
    sweeps: new SqliteSweepStore(sqlite, new KyselySweepReads(db)),
    close: () => db.destroy(),
  };
}
