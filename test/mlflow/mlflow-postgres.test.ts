import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/start-server.js";
import type { ApiResponse, TestServer } from "../http/support/test-server.js";
import { createTestDatabase, postgresAvailable } from "../support/postgres.js";
import { ARTIFACTS, expectMlflowError, mlflowClient } from "./support/mlflow-test-client.js";

const available = await postgresAvailable();

let server: TestServer;
let client: ReturnType<typeof mlflowClient>;
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  if (!available) return;
  const database = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), "lockstep-mlflow-pg-"));
  const running: RunningServer = await startServer({
    host: "127.0.0.1",
    port: 0,
    storeUrl: database.url,
    blobsUrl: join(dir, "blobs"),
  });
  server = {
    url: running.url,
    dir,
    blobsDir: join(dir, "blobs"),
    async call(method, path, options = {}): Promise<ApiResponse> {
      const headers: Record<string, string> = { ...options.headers };
      let body = options.raw;
      if (options.json !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(options.json);
      }
      const res = await fetch(running.url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {}
      return { status: res.status, body: parsed, headers: res.headers };
    },
    close: async () => {},
  };
  client = mlflowClient(server);
  cleanup = async () => {
    await running.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  };
});
afterAll(async () => {
  await cleanup();
});

describe.skipIf(!available)("MLflow routes on PostgreSQL", () => {
  it("logs, searches and reads a run, with MLflow's errors", async () => {
    const experimentId = await client.createExperiment("pg-mlflow");
    expectMlflowError(
      await client.post("experiments/create", { name: "pg-mlflow" }),
      400,
      "RESOURCE_ALREADY_EXISTS",
    );
    const runId = await client.createRun(experimentId, { run_name: "pg-run" });
    await client.ok("runs/log-batch", {
      run_id: runId,
      metrics: [
        { key: "loss", value: "NaN", timestamp: 1, step: 0 },
        { key: "loss", value: 0.5, timestamp: 2, step: 1 },
      ],
      params: [{ key: "lr", value: "0.1" }],
      tags: [{ key: "team", value: "a" }],
    });
    expectMlflowError(
      await client.post("runs/log-parameter", { run_id: runId, key: "lr", value: "0.2" }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    await client.ok("runs/log-inputs", {
      run_id: runId,
      datasets: [
        {
          tags: [{ key: "mlflow.data.context", value: "training" }],
          dataset: { name: "d", digest: "1234", source_type: "local", source: "x" },
        },
      ],
    });

    const search = await client.post("runs/search", {
      experiment_ids: [experimentId],
      filter: "params.lr = '0.1' and metrics.loss < 1",
    });
    expect(search.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([
      runId,
    ]);
    const history = await client.get("metrics/get-history", { run_id: runId, metric_key: "loss" });
    expect(history.body.metrics.map((m: { value: unknown }) => m.value)).toEqual(["NaN", 0.5]);
    const run = await client.get("runs/get", { run_id: runId });
    expect(run.body.run.inputs.dataset_inputs).toHaveLength(1);

    const root = `${experimentId}/${runId}/artifacts`;
    const put = await server.call("PUT", `${ARTIFACTS}/artifacts/${root}/a.txt`, { raw: "pg" });
    expect(put.status).toBe(200);
    const got = await server.call("GET", `${ARTIFACTS}/artifacts/${root}/a.txt`);
    expect(got.body).toBe("pg");
  });
});
