/**
 * Store-level metric benchmark: block ingest into SQLite against a raw
 * row-per-point baseline, downsampling a 1,000,000-point key against simply
 * reading it, and block ingest into PostgreSQL when one is reachable.
 *
 *   npx tsx bench/metric-ingest-store.bench.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { MetricPoint } from "../src/domain/metric.js";
import { decodeColumn } from "../src/store/metrics/metric-block-codec.js";
import { SqliteMetricWriter } from "../src/store/metrics/sqlite-metric-writer.js";
import {
  type MetricHarness,
  openPostgresHarness,
  openSqliteHarness,
} from "../test/support/metric-store-harness.js";
import { createTestDatabase, postgresAvailable } from "../test/support/postgres.js";

const TOTAL = 1_000_000;
const KEYS = 10;
const STEPS_PER_BATCH = 100;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** 1,000 batches of 1,000 points: 10 keys × 100 consecutive steps. */
function batches(total: number): MetricPoint[][] {
  const out: MetricPoint[][] = [];
  for (let b = 0; b * KEYS * STEPS_PER_BATCH < total; b++) {
    const batch: MetricPoint[] = [];
    for (let s = 0; s < STEPS_PER_BATCH; s++) {
      const step = b * STEPS_PER_BATCH + s;
      for (let k = 0; k < KEYS; k++) {
        batch.push({
          key: `metric_${k}`,
          value: Math.sin(step + k),
          step,
          timestamp: 1.7e12 + step,
        });
      }
    }
    out.push(batch);
  }
  return out;
}

function rawRowPerPoint(data: MetricPoint[][]): number {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-raw-"));
  const db = new BetterSqlite3(join(dir, "raw.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(`create table metrics (run_id text not null, key text not null, step integer not null,
               value real, timestamp integer not null);
             create index metrics_run_key_step on metrics (run_id, key, step);`);
    const insert = db.prepare("insert into metrics values (?, ?, ?, ?, ?)");
    const write = db.transaction((batch: MetricPoint[]) => {
      for (const p of batch) insert.run("run1", p.key, p.step, p.value, p.timestamp);
    });
    const t0 = performance.now();
    for (const batch of data) write(batch);
    return (performance.now() - t0) / 1000;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sqliteBlocks(data: MetricPoint[][]): Promise<number> {
  const h = await openSqliteHarness();
  try {
    const run = await h.newRun();
    await h.db.destroy();
    const db = new BetterSqlite3(h.file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    const writer = new SqliteMetricWriter(db);
    const write = db.transaction((batch: MetricPoint[]) => writer.write(run, batch));
    const t0 = performance.now();
    for (const batch of data) write(batch);
    const seconds = (performance.now() - t0) / 1000;
    db.close();
    return seconds;
  } finally {
    await h.close().catch(() => {});
  }
}

async function downsampleMillionPoints(): Promise<void> {
  const h = await openSqliteHarness();
  try {
    const run = await h.newRun();
    for (let start = 0; start < TOTAL; start += 1000) {
      const batch = Array.from({ length: 1000 }, (_, i) => ({
        key: "loss",
        value: start + i === 500_000 ? 1e9 : Math.sin((start + i) / 1000),
        step: start + i,
        timestamp: 1.7e12 + start + i,
      }));
      await h.write(run, batch);
    }
    const median = async (fn: () => Promise<unknown>, runs = 7) => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await fn();
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
    };
    let kept = 0;
    const downsample = async () => {
      const points = await h.store.downsample({ runId: run, key: "loss", maxPoints: 1000 });
      kept = points.length;
      if (!points.some((p) => p.value === 1e9)) throw new Error("downsample lost the spike");
    };
    const readAll = async () => {
      const rows = await h.db
        .selectFrom("metric_blocks")
        .select(["steps", "vals", "times"])
        .where("run_id", "=", run)
        .where("key", "=", "loss")
        .orderBy("seq")
        .execute();
      let n = 0;
      for (const r of rows) {
        const steps = decodeColumn(r.steps);
        decodeColumn(r.vals);
        decodeColumn(r.times);
        n += steps.length;
      }
      if (n !== TOTAL) throw new Error(`read ${n} points`);
    };
    // Interleaved, so both see the same machine load and garbage-collector state.
    const downTimes: number[] = [];
    const readTimes: number[] = [];
    for (let i = 0; i < 9; i++) {
      downTimes.push(await median(downsample, 1));
      readTimes.push(await median(readAll, 1));
    }
    const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const down = mid(downTimes);
    const read = mid(readTimes);
    const history = await median(
      () => h.store.history({ runId: run, key: "loss", offset: 0, limit: TOTAL }),
      3,
    );
    console.log(
      `downsample sqlite 1,000,000 points -> ${kept}: ${down.toFixed(1)} ms ` +
        `(baseline read+decode all points ${read.toFixed(1)} ms, ` +
        `full history as objects ${history.toFixed(1)} ms)`,
    );
  } finally {
    await h.close();
  }
}

/** Transactions of `size` points for at most `budgetMs`, into a fresh run. */
async function postgresRate(
  h: MetricHarness,
  data: MetricPoint[][],
  budgetMs: number,
): Promise<[number, number]> {
  const run = await h.newRun();
  const t0 = performance.now();
  let points = 0;
  for (const batch of data) {
    await h.write(run, batch);
    points += batch.length;
    if (performance.now() - t0 > budgetMs) break;
  }
  return [points, points / ((performance.now() - t0) / 1000)];
}

async function postgresBlocks(data: MetricPoint[][]): Promise<void> {
  if (!(await postgresAvailable())) {
    console.log("ingest postgres blocks: skipped (no PostgreSQL)");
    return;
  }
  const h = await openPostgresHarness(await createTestDatabase(), 2);
  try {
    const [points, rate] = await postgresRate(h, data, 8000);
    const big: MetricPoint[][] = [];
    for (let i = 0; i + 10 <= data.length; i += 10) big.push(data.slice(i, i + 10).flat());
    const [bigPoints, bigRate] = await postgresRate(h, big, 5000);
    console.log(
      `ingest postgres blocks: ${fmt(rate)} points/s in transactions of 1,000 ` +
        `(${fmt(points)} points); ${fmt(bigRate)} points/s in transactions of 10,000 ` +
        `(${fmt(bigPoints)} points)`,
    );
  } finally {
    await h.close();
  }
}

const data = batches(TOTAL);
const raw = rawRowPerPoint(data);
const blocks = await sqliteBlocks(data);
console.log(
  `ingest sqlite blocks: ${fmt(TOTAL / blocks)} points/s ` +
    `(raw row-per-point baseline ${fmt(TOTAL / raw)} points/s, ${(raw / blocks).toFixed(1)}x)`,
);
await downsampleMillionPoints();
await postgresBlocks(data);
