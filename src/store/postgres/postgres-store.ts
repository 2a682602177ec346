import { Kysely, PostgresDialect } from "kysely";
import type { Database } from "../database.js";
import { KyselyArtifactReads } from "../kysely/artifact-reads.js";
import { KyselyExperimentReads } from "../kysely/experiment-reads.js";
import { KyselyModelRegistryReads } from "../kysely/model-registry-reads.js";
import { runMigrations } from "../kysely/run-migrations.js";
import { KyselyRunReads } from "../kysely/run-reads.js";
import { KyselySweepReads } from "../kysely/sweep-reads.js";
import type { MetadataStore } from "../metadata-store.js";
import { KyselyMetricStore } from "../metrics/kysely-metric-store.js";
import { PostgresArtifactIndex } from "./postgres-artifact-index.js";
import { PostgresDatasetStore } from "./postgres-dataset-store.js";
import { PostgresExperimentStore } from "./postgres-experiment-store.js";
import { PostgresModelRegistryStore } from "./postgres-model-registry-store.js";
import { createPostgresPool } from "./postgres-pool.js";
import { PostgresRunStore } from "./postgres-run-store.js";
import { PostgresSweepStore } from "./postgres-sweep-store.js";

/** The team store: Kysely over a pg Pool; every multi-statement write is one transaction. */
export async function openPostgresStore(url: string): Promise<MetadataStore> {
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: createPostgresPool(url) }),
  });
  try {
    await runMigrations(db, "postgres");
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return {
    dialect: "postgres",
    experiments: new PostgresExperimentStore(db, new KyselyExperimentReads(db, "postgres")),
    runs: new PostgresRunStore(db, new KyselyRunReads(db, "postgres")),
    metrics: new KyselyMetricStore(db),
    artifacts: new PostgresArtifactIndex(db, new KyselyArtifactReads(db)),
    datasets: new PostgresDatasetStore(db),
    models: new PostgresModelRegistryStore(db, new KyselyModelRegistryReads(db)),
    sweeps: new PostgresSweepStore(db, new KyselySweepReads(db)),
    close: () => db.destroy(),
  };
}
