import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import type { MetricPoint } from "../../src/domain/metric.js";
import type { Database } from "../../src/store/database.js";
import { KyselyMetricStore } from "../../src/store/metrics/kysely-metric-store.js";
import { writeMetricsPostgres } from "../../src/store/metrics/postgres-metric-writer.js";
import { SqliteMetricWriter } from "../../src/store/metrics/sqlite-metric-writer.js";
import { type Dialect, migrationProvider } from "../../src/store/migrations/migrations.js";
import { createPostgresPool } from "../../src/store/postgres/postgres-pool.js";

/** A real database with the schema, a run factory and the dialect's metric writer (tests only). */
export interface MetricHarness {
  dialect: Dialect;
  db: Kysely<Database>;
  store: KyselyMetricStore;
  /** Writes one batch in its own transaction, as the adapters do. */
  write(runId: string, points: MetricPoint[]): Promise<void>;
  newRun(): Promise<string>;
  close(): Promise<void>;
}

export async function openSqliteHarness(): Promise<MetricHarness & { file: string }> {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-metrics-"));
  const file = join(dir, "lockstep.db");
  const raw = new BetterSqlite3(file);
  raw.pragma("journal_mode = WAL");
  raw.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  const writer = new SqliteMetricWriter(raw);
  const write = raw.transaction((runId: string, points: MetricPoint[]) =>
    writer.write(runId, points),
  );
  return {
    ...(await prepare("sqlite", db)),
    file,
    write: async (runId, points) => write(runId, points),
    close: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `target` comes from test/support/postgres.ts `createTestDatabase()` (passed
 * in, since src/ may not import test/); `close()` drops it.
 */
export async function openPostgresHarness(
  target: { url: string; drop: () => Promise<void> },
  poolSize = 10,
): Promise<MetricHarness> {
  // The server's own pool: its types, and an idle client dropped at teardown is no crash.
  const pool = createPostgresPool(target.url, poolSize);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    ...(await prepare("postgres", db)),
    write: (runId, points) =>
      db.transaction().execute((trx) => writeMetricsPostgres(trx, runId, points)),
    close: async () => {
      await db.destroy();
      await target.drop();
    },
  };
}

async function prepare(dialect: Dialect, db: Kysely<Database>) {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  await sql`insert into experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            values ('metrics', '', 'active', 0, 0)`.execute(db);
  const experiment = await db
    .selectFrom("experiments")
    .select("experiment_id")
    .where("name", "=", "metrics")
    .executeTakeFirstOrThrow();
  let runs = 0;
  return {
    dialect,
    db,
    store: new KyselyMetricStore(db),
    newRun: async () => {
      const runId = `run${++runs}`;
      await sql`insert into runs (run_id, experiment_id, name, user_id, status, kind, start_time,
                                  lifecycle_stage, artifact_uri)
                values (${runId}, ${experiment.experiment_id}, ${runId}, 'test', 'RUNNING', 'train',
                        0, 'active', '')`.execute(db);
      return runId;
    },
  };
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
