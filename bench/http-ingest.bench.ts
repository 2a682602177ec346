/**
 * Metric ingest through the HTTP batch API (server in its own process), into
 * SQLite and PostgreSQL, next to raw row-per-point SQLite inserts measured in
 * the same run.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { rawRowPerPointInsertRate } from "./support/raw-sqlite-baseline.js";
import { fmt, postJson, startServerProcess } from "./support/server-process.js";

const POINTS = 1_000_000;
const BATCH = 10_000;
const KEYS = 10;
const CONCURRENCY = 4;

/**
 * Pre-encoded request bodies, so the figure is the server's. `series` is the
 * columnar form the SDK sends; `points` is one JSON object per point.
 */
function batchBodies(form: "series" | "points"): string[] {
  const bodies: string[] = [];
  const now = Date.now();
  const perKey = BATCH / KEYS;
  for (let b = 0; b < POINTS / BATCH; b++) {
    const stepBase = b * perKey;
    const idempotencyKey = randomBytes(8).toString("hex");
    if (form === "series") {
      const series: string[] = [];
      for (let k = 0; k < KEYS; k++) {
        const steps = Array.from({ length: perKey }, (_, i) => stepBase + i);
        const values = steps.map(() => Math.random());
        const times = steps.map((s) => now + s);
        series.push(
          `{"key":"metric_${k}","values":[${values.join(",")}],"steps":[${steps.join(",")}],"timestamps":[${times.join(",")}]}`,
        );
      }
      bodies.push(`{"idempotencyKey":"${idempotencyKey}","series":[${series.join(",")}]}`);
    } else {
      const metrics: string[] = [];
      for (let i = 0; i < BATCH; i++) {
        const step = stepBase + Math.floor(i / KEYS);
        metrics.push(
          `{"key":"metric_${i % KEYS}","value":${Math.random()},"step":${step},"timestamp":${now + step}}`,
        );
      }
      bodies.push(`{"idempotencyKey":"${idempotencyKey}","metrics":[${metrics.join(",")}]}`);
    }
  }
  return bodies;
}

async function ingestRate(url: string, form: "series" | "points"): Promise<number> {
  const { run } = await postJson<{ run: { id: string } }>(`${url}/api/v1/runs`, {
    experimentName: "bench",
  });
  const bodies = batchBodies(form);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] as string;
        await postJson(`${url}/api/v1/runs/${run.id}/batch`, body);
      }
    }),
  );
  const rate = POINTS / ((performance.now() - t0) / 1000);
  const check = await fetch(`${url}/api/v1/runs/${run.id}/metrics/metric_0/history?max_results=1`);
  if (!check.ok) throw new Error(`history check failed: ${check.status}`);
  return rate;
}

async function postgresUrl(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `lockstep_bench_${randomBytes(4).toString("hex")}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const baseline = rawRowPerPointInsertRate(POINTS);

const sqlite = await startServerProcess();
try {
  const rate = await ingestRate(sqlite.url, "series");
  console.log(
    `ingest HTTP→SQLite, SDK's columnar batches: ${fmt(rate)} points/s (raw row-per-point SQLite baseline ${fmt(baseline)} points/s, ${(rate / baseline).toFixed(2)}x; target ≥ 300,000)`,
  );
  const objects = await ingestRate(sqlite.url, "points");
  console.log(
    `ingest HTTP→SQLite, one JSON object per point: ${fmt(objects)} points/s (raw row-per-point SQLite baseline ${fmt(baseline)} points/s, ${(objects / baseline).toFixed(2)}x)`,
  );
} finally {
  await sqlite.stop();
}

const database = await postgresUrl();
if (database) {
  const server = await startServerProcess({ store: database.url });
  try {
    const rate = await ingestRate(server.url, "series");
    console.log(
      `ingest HTTP→PostgreSQL, SDK's columnar batches: ${fmt(rate)} points/s (raw row-per-point SQLite baseline ${fmt(baseline)} points/s, ${(rate / baseline).toFixed(2)}x)`,
    );
  } finally {
    await server.stop();
    await database.drop();
  }
} else {
  console.log("ingest HTTP→PostgreSQL: skipped (PostgreSQL unreachable)");
}
