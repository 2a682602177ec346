/**
 * Run search over 100,000 runs with a filter on a metric and a param, and a
 * downsampled 1,000,000-point history, both through the HTTP API of a server
 * in its own process, each next to a baseline measured in the same run.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newRunId } from "../src/domain/ids.js";
import { openStore } from "../src/store/open-store.js";
import { fmt, postJson, startServerProcess } from "./support/server-process.js";
import { timeIt } from "./support/timing.js";

const RUNS = 100_000;
const HISTORY_POINTS = 1_000_000;

const home = mkdtempSync(join(tmpdir(), "lockstep-bench-search-"));
const store = await openStore(`sqlite:${join(home, "lockstep.db")}`);
const experiment = await store.experiments.create({ name: "search-bench", now: Date.now() });
const models = ["cnn", "mlp", "gbdt", "svm", "linear"];
let historyRunId = "";
for (let i = 0; i < RUNS; i++) {
  const id = newRunId();
  if (i === 0) historyRunId = id;
  await store.runs.create({
    id,
    experimentId: experiment.id,
    name: `run-${i}`,
    userId: "bench",
    status: "FINISHED",
    kind: "train",
    parentId: null,
    startTime: 1_700_000_000_000 + i,
    artifactUri: "",
    tags: { team: i % 2 ? "vision" : "nlp" },
    params: { model: models[i % models.length] as string, lr: String((i % 7) / 100) },
  });
  await store.runs.logBatch({
    runId: id,
    metrics: [
      { key: "acc", value: ((i * 7919) % 1000) / 1000, step: 0, timestamp: 0 },
      { key: "loss", value: Math.random(), step: 0, timestamp: 0 },
    ],
    params: {},
    tags: {},
  });
}
const now = Date.now();
for (let start = 0; start < HISTORY_POINTS; start += 10_000) {
  const metrics = Array.from({ length: 10_000 }, (_, i) => ({
    key: "curve",
    value: start + i === 654_321 ? 1e6 : Math.sin((start + i) / 1000),
    step: start + i,
    timestamp: now,
  }));
  await store.runs.logBatch({ runId: historyRunId, metrics, params: {}, tags: {} });
}
await store.close();

const server = await startServerProcess({ home });
try {
  const search = (filter: string) =>
    postJson<{ runs: unknown[] }>(`${server.url}/api/v1/runs/search`, {
      experimentIds: [experiment.id],
      filter,
      maxResults: 100,
    });
  const filtered = await timeIt(20, () => search("metrics.acc > 0.9 and params.model = 'cnn'"));
  const unfiltered = await timeIt(20, () => search(""));
  const check = await search("metrics.acc > 0.9 and params.model = 'cnn'");
  if (check.runs.length !== 100) throw new Error(`expected a full page, got ${check.runs.length}`);
  console.log(
    `search ${fmt(RUNS)} runs, filter on a metric and a param: ${filtered.toFixed(1)} ms (unfiltered first page baseline ${unfiltered.toFixed(1)} ms, ${(filtered / unfiltered).toFixed(2)}x; target < 50 ms)`,
  );

  const history = `${server.url}/api/v1/runs/${historyRunId}/metrics/curve/history`;
  const downsampled = await timeIt(10, async () => {
    const res = await fetch(`${history}?max_points=1000`);
    const body = (await res.json()) as { points: { value: number }[] };
    if (!body.points.some((p) => p.value === 1e6)) throw new Error("the spike was hidden");
  });
  const full = await timeIt(2, async () => {
    let token: string | undefined;
    let count = 0;
    do {
      const res = await fetch(`${history}?max_results=25000${token ? `&page_token=${token}` : ""}`);
      const body = (await res.json()) as { points: unknown[]; nextPageToken?: string };
      count += body.points.length;
      token = body.nextPageToken;
    } while (token);
    if (count !== HISTORY_POINTS) throw new Error(`read ${count} points`);
  });
  console.log(
    `history of a ${fmt(HISTORY_POINTS)}-point metric downsampled to 1,000: ${downsampled.toFixed(1)} ms (reading every point baseline ${full.toFixed(1)} ms, ${(downsampled / full).toFixed(3)}x; target < 100 ms)`,
  );
} finally {
  await server.stop();
}
