/**
 * The cost of RunHandle.logMetric on the calling thread: 10M calls in a tight
 * loop against a real run, next to pushing the same numbers into a plain JS
 * array in the same process. Also prints the cost of the clock read that
 * every call makes (Date.now), which dominates on machines without a fast
 * clock source. Then, for scale, 1M points end to end through the SDK into a
 * server in its own process (built dist/), as points per second.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Lockstep } from "../src/index.js";
import { startServer } from "../src/server/start-server.js";
import { startServerProcess } from "./support/server-process.js";

const CALLS = Number(process.env.CALLS ?? 10_000_000);
const KEYS = ["loss", "acc", "lr", "grad_norm"];

/** CPU time (user + system) per call: the machine is shared, so wall time would count others' work. */
function nsPerCall(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const used = process.cpuUsage(t0);
  return ((used.user + used.system) * 1000) / CALLS;
}

const E2E_POINTS = 1_000_000;
const remote = await startServerProcess();
const e2eSpool = mkdtempSync(join(tmpdir(), "lockstep-bench-spool-"));
const client = new Lockstep({ trackingUri: remote.url, spoolDir: e2eSpool });
const e2eRun = await client.startRun({ experiment: "bench" });
const e2eStart = performance.now();
for (let i = 0; i < E2E_POINTS; i++) {
  e2eRun.logMetric(KEYS[i & 3] as string, i * 0.5, i);
  // A training loop yields now and then (await on data, on the GPU); let the sender run.
  if ((i & 0xffff) === 0xffff) await new Promise((r) => setImmediate(r));
}
const delivered = await e2eRun.end();
const seconds = (performance.now() - e2eStart) / 1000;
process.stdout.write(
  `sdk -> server end to end: ${Math.round(E2E_POINTS / seconds).toLocaleString("en-US")} points/s (${E2E_POINTS.toLocaleString("en-US")} points, server in its own process${delivered.complete ? "" : ", INCOMPLETE"})\n`,
);
await client.close();
await remote.stop();
rmSync(e2eSpool, { recursive: true, force: true });

const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-sdk-"));
const server = await startServer({
  host: "127.0.0.1",
  port: 0,
  storeUrl: `sqlite:${join(dir, "lockstep.db")}`,
  blobsUrl: join(dir, "blobs"),
});
const ls = new Lockstep({ trackingUri: server.url, spoolDir: join(dir, "spool") });
const run = await ls.startRun({ experiment: "bench" });

// Warm both paths so the JIT has compiled them before timing.
const warm: number[] = [];
for (let i = 0; i < 200_000; i++) {
  warm.push(i * 0.5);
  run.logMetric(KEYS[i & 3] as string, i * 0.5, i);
}

let sink = 0;
const baseline = nsPerCall(() => {
  const values: number[] = [];
  for (let i = 0; i < CALLS; i++) values.push(i * 0.5);
  sink += values.length;
});
const sdk = nsPerCall(() => {
  for (let i = 0; i < CALLS; i++) run.logMetric(KEYS[i & 3] as string, i * 0.5, i);
});
const clock = nsPerCall(() => {
  for (let i = 0; i < CALLS; i++) sink += Date.now();
});

process.stdout.write(
  `sdk logMetric: ${sdk.toFixed(0)} ns/call (array push baseline ${baseline.toFixed(0)} ns/call, ${(sdk / baseline).toFixed(1)}x)\n`,
);
process.stdout.write(`  of which Date.now(): ${clock.toFixed(0)} ns/call on this machine\n`);

// The 10M buffered points are not the point of this benchmark: exit without
// sending them (close() took the exit handlers away, so nothing is spooled).
await ls.close({ timeoutMs: 1 });
await server.close();
rmSync(dir, { recursive: true, force: true });

process.exit(sink > 0 ? 0 : 1);
