/**
 * A model's versions with their runs' latest metrics (GET /api/v1/models/:name/versions):
 * one read for all the versions' runs (what the route does now), next to the
 * way it was done before in the same run: one whole-run read per version.
 * 300 versions, each from its own run with 20 metrics; SQLite, and PostgreSQL
 * when it answers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBlobStore } from "../src/blobs/open-blob-store.js";
import { createRegistryServices } from "../src/services/registry-services.js";
import { createTrackingServices } from "../src/services/tracking-services.js";
import { openStore } from "../src/store/open-store.js";
import { createTestDatabase, postgresAvailable } from "../test/support/postgres.js";
import { fmt } from "./support/server-process.js";
import { timeIt } from "./support/timing.js";

const VERSIONS = 300;
const METRICS_PER_RUN = 20;

async function measure(dialect: string, storeUrl: string, home: string): Promise<void> {
  const store = await openStore(storeUrl);
  try {
    const blobs = await openBlobStore(join(home, `blobs-${dialect}`));
    const tracking = createTrackingServices({ store, blobs });
    const { models } = createRegistryServices({ store, blobs, runs: tracking.runs });
    for (let i = 0; i < VERSIONS; i++) {
      const run = await tracking.runs.create({ experimentName: "version-metrics-bench" });
      await tracking.metrics.logBatch(run.id, {
        metrics: Array.from({ length: METRICS_PER_RUN }, (_, k) => ({
          key: `m${k}`,
          value: i + k / 100,
          step: 1,
        })),
      });
      await tracking.artifacts.put(run.id, "model/w.bin", new TextEncoder().encode(run.id));
      await models.registerVersion({
        name: "bench",
        runId: run.id,
        path: "model",
        createModel: true,
      });
    }

    const batched = await timeIt(20, async () => {
      const versions = await models.listVersions("bench");
      const latest = await tracking.metrics.latestOfRuns([
        ...new Set(versions.map((v) => v.runId)),
      ]);
      return versions.map((v) => ({ ...v, runMetrics: latest.get(v.runId) ?? [] }));
    });
    const perVersion = await timeIt(5, async () => {
      const versions = await models.listVersions("bench");
      return Promise.all(
        versions.map(async (v) => ({
          ...v,
          runMetrics: (await tracking.runs.get(v.runId)).metrics,
        })),
      );
    });
    console.log(
      `${dialect}: list ${fmt(VERSIONS)} versions with ${METRICS_PER_RUN} run metrics each: ${batched.toFixed(1)} ms (one read per version baseline ${perVersion.toFixed(1)} ms, ${(batched / perVersion).toFixed(3)}x)`,
    );
  } finally {
    await store.close();
  }
}

const home = mkdtempSync(join(tmpdir(), "lockstep-bench-version-metrics-"));
try {
  await measure("sqlite", `sqlite:${join(home, "lockstep.db")}`, home);
  if (await postgresAvailable()) {
    const database = await createTestDatabase();
    try {
      await measure("postgres", database.url, home);
    } finally {
      await database.drop();
    }
  } else {
    console.log("postgres: skipped (no PostgreSQL)");
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
