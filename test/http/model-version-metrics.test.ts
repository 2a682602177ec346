import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function runWithModel(metrics: Array<{ key: string; value: number | string }>) {
  const run = await server.call("POST", "/api/v1/runs", {
    json: { experimentName: "version-metrics" },
  });
  const id = run.body.run.id as string;
  await server.call("PUT", `/api/v1/runs/${id}/artifacts/m/w.bin`, { raw: id });
  if (metrics.length > 0) {
    const logged = await server.call("POST", `/api/v1/runs/${id}/batch`, {
      json: { metrics: metrics.map((m) => ({ ...m, step: 1 })) },
    });
    expect(logged.status).toBe(200);
  }
  return id;
}

describe("GET /api/v1/models/:name/versions", () => {
  it("gives each version its own run's latest metrics, as the run itself reports them", async () => {
    const trained = await runWithModel([
      { key: "acc", value: 0.9 },
      { key: "loss", value: "NaN" },
      { key: "best", value: "Infinity" },
    ]);
    const retrained = await runWithModel([{ key: "acc", value: 0.95 }]);
    const bare = await runWithModel([]);
    for (const runId of [trained, retrained, trained, bare]) {
      const created = await server.call("POST", "/api/v1/models/compared/versions", {
        json: { runId, path: "m" },
      });
      expect(created.status).toBe(201);
    }
    const listed = await server.call("GET", "/api/v1/models/compared/versions");
    expect(listed.status).toBe(200);
    const versions = listed.body.versions as Array<{
      version: number;
      runId: string;
      runMetrics: Record<string, unknown>;
    }>;
    expect(versions.map((v) => [v.version, v.runId, v.runMetrics])).toEqual([
      [4, bare, {}],
      [3, trained, { acc: 0.9, best: "Infinity", loss: "NaN" }],
      [2, retrained, { acc: 0.95 }],
      [1, trained, { acc: 0.9, best: "Infinity", loss: "NaN" }],
    ]);
    for (const v of versions) {
      const run = await server.call("GET", `/api/v1/runs/${v.runId}`);
      expect(v.runMetrics).toEqual(run.body.run.metrics);
    }
  });
});
