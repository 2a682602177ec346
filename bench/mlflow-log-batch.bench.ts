/**
 * Metric ingest through MLflow's log-batch route (1,000 metrics per request,
 * MLflow's limit) next to Lockstep's own batch route (10,000 per request),
 * both into SQLite, against the built server in its own process.
 */
import { fmt, postJson, startServerProcess } from "./support/server-process.js";

const POINTS = 300_000;
const KEYS = 10;
const CONCURRENCY = 4;

type Point = { key: string; value: number; step: number; timestamp: number };

function points(offset: number, count: number): Point[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const step = Math.floor((offset + i) / KEYS);
    return { key: `metric_${i % KEYS}`, value: Math.random(), step, timestamp: now + step };
  });
}

/** Request bodies built up front, so the client's JSON work is not timed. */
function bodies(perRequest: number, body: (metrics: Point[]) => unknown): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < POINTS; offset += perRequest) {
    out.push(JSON.stringify(body(points(offset, perRequest))));
  }
  return out;
}

async function rate(url: string, requests: string[]): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) await postJson(url, requests[next++] as string);
    }),
  );
  return POINTS / ((performance.now() - t0) / 1000);
}

const server = await startServerProcess();
try {
  const { run: mlflowRun } = await postJson<{ run: { info: { run_id: string } } }>(
    `${server.url}/api/2.0/mlflow/runs/create`,
    { experiment_id: "0", start_time: Date.now() },
  );
  const { run: ownRun } = await postJson<{ run: { id: string } }>(`${server.url}/api/v1/runs`, {
    experimentName: "bench-mlflow",
  });
  const runId = mlflowRun.info.run_id;
  const mlflowBodies = bodies(1000, (metrics) => ({ run_id: runId, metrics }));
  const ownBodies = bodies(10_000, (metrics) => ({ metrics }));

  // Warm both paths (JIT, SQLite page cache) before timing.
  await postJson(`${server.url}/api/2.0/mlflow/runs/log-batch`, mlflowBodies[0] as string);
  await postJson(`${server.url}/api/v1/runs/${ownRun.id}/batch`, ownBodies[0] as string);

  const baseline = await rate(`${server.url}/api/v1/runs/${ownRun.id}/batch`, ownBodies);
  const mlflow = await rate(`${server.url}/api/2.0/mlflow/runs/log-batch`, mlflowBodies);
  console.log(
    `mlflow log-batch: ${fmt(mlflow)} metrics/s (Lockstep batch route baseline ${fmt(baseline)} metrics/s, ${(mlflow / baseline).toFixed(2)}x; published MLflow server 3,400–8,400/s)`,
  );
} finally {
  await server.stop();
}
