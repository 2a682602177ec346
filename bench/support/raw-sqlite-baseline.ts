import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";

/**
 * The baseline every ingest figure is compared with: one SQLite row per
 * point, WAL, batches of 1,000 in a transaction, indexed by (run, key, step).
 * Returns points per second.
 */
export function rawRowPerPointInsertRate(points: number): number {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-raw-"));
  const db = new Database(join(dir, "raw.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(`create table metrics (run_id text not null, key text not null, step integer not null,
             value real, timestamp integer not null);
             create index metrics_run_key_step on metrics (run_id, key, step);`);
    const insert = db.prepare(
      "insert into metrics (run_id, key, step, value, timestamp) values (?, ?, ?, ?, ?)",
    );
    const batch = db.transaction((start: number) => {
      for (let i = start; i < start + 1000; i++) {
        insert.run(
          "0123456789abcdef0123456789abcdef",
          `key${i % 10}`,
          i,
          Math.random(),
          Date.now(),
        );
      }
    });
    const t0 = performance.now();
    for (let start = 0; start < points; start += 1000) batch(start);
    return points / ((performance.now() - t0) / 1000);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
