import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestServer } from "../http/support/test-server.js";

// The `mlflow` package (an independent MLflow client for Node) is CommonJS.
const require = createRequire(import.meta.url);
const MLflow = require("mlflow") as typeof import("mlflow").default;
const { RunStatus, ViewType } = require("mlflow/enum") as typeof import("mlflow/lib/enum.js");
type Client = InstanceType<typeof MLflow>;

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startTestServer();
  client = new MLflow({ endpoint: server.url, headers: { Authorization: "Bearer test-token" } });
  // The package logs every request body to stdout.
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterAll(async () => {
  vi.restoreAllMocks();
  await server?.close();
});

/** The package throws Error(JSON of {status, statusText, data}) for non-200 answers. */
async function failure(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error("expected the call to fail");
  return JSON.parse(error.message.replace(/^Error: /, ""));
}

describe("the npm mlflow client against Lockstep", () => {
  it("creates, lists, renames, deletes and restores experiments", async () => {
    const { experiment_id } = await client.Experiments.create({
      name: "npm-client",
      artifact_location: "",
    });
    expect(experiment_id).toMatch(/^\d+$/);
    const { experiments } = await client.Experiments.list();
    expect(experiments.map((e: { name: string }) => e.name)).toContain("npm-client");
    await client.Experiments.update({ experiment_id, new_name: "npm-client-2" });
    const { experiment } = await client.Experiments.get({ experiment_id });
    expect(experiment.name).toBe("npm-client-2");
    expect(await client.Experiments.delete({ experiment_id })).toEqual({});
    expect(await client.Experiments.restore({ experiment_id })).toEqual({});
    const existing = await failure(
      client.Experiments.create({ name: "npm-client-2", artifact_location: "" }),
    );
    expect(existing).toMatchObject({
      status: 400,
      data: { error_code: "RESOURCE_ALREADY_EXISTS" },
    });
  });

  it("logs a run end to end and reads it back", async () => {
    const { experiment_id } = await client.Experiments.create({
      name: "npm-runs",
      artifact_location: "",
    });
    const { run } = await client.Runs.create({
      experiment_id,
      user_id: "npm",
      start_time: 1_700_000_000_000,
      tags: [{ key: "source", value: "npm" }],
    });
    const run_id = run.info.run_id;
    expect(run.info).toMatchObject({ experiment_id, user_id: "npm", status: "RUNNING" });

    await client.Runs.logParameter({ run_id, key: "lr", value: "0.1" });
    await client.Runs.logMetric({ run_id, key: "loss", value: 0.9, timestamp: 1, step: 0 });
    await client.Runs.logBatch({
      run_id,
      metrics: [
        { key: "loss", value: 0.5, timestamp: 2, step: 1 },
        { key: "acc", value: 0.8, timestamp: 2, step: 1 },
      ],
      params: [{ key: "batch", value: "32" }],
      tags: [{ key: "phase", value: "train" }],
    });
    await client.Runs.setTag({ run_id, key: "temp", value: "x" });
    await client.Runs.deleteTag({ run_id, key: "temp" });
    const updated = await client.Runs.update({
      run_id,
      status: RunStatus.FINISHED,
      end_time: 1_700_000_100_000,
    });
    expect(updated.run_info).toMatchObject({
      run_id,
      status: "FINISHED",
      end_time: 1_700_000_100_000,
    });

    const got = await client.Runs.get({ run_id });
    expect(got.run.data.params).toEqual(
      expect.arrayContaining([
        { key: "lr", value: "0.1" },
        { key: "batch", value: "32" },
      ]),
    );
    expect(got.run.data.metrics).toEqual(
      expect.arrayContaining([
        { key: "loss", value: 0.5, timestamp: 2, step: 1 },
        { key: "acc", value: 0.8, timestamp: 2, step: 1 },
      ]),
    );
    const tagKeys = got.run.data.tags.map((t: { key: string }) => t.key);
    expect(tagKeys).toEqual(expect.arrayContaining(["source", "phase"]));
    expect(tagKeys).not.toContain("temp");

    const history = await client.Metrics.getHistory({ run_id, metric_key: "loss" });
    expect(history.metrics.map((m: { value: number }) => m.value)).toEqual([0.9, 0.5]);

    const { runs } = await client.Runs.search({
      experiment_ids: [experiment_id],
      filter: "metrics.acc > 0.5",
      run_view_type: ViewType.ACTIVE_ONLY,
      max_results: 10,
      order_by: ["start_time DESC"],
    });
    expect(runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([run_id]);

    const artifacts = await client.Artifacts.list({ run_id, path: "" });
    expect(artifacts).toEqual({ root_uri: run.info.artifact_uri, files: [] });

    await client.Runs.delete({ run_id });
    await client.Runs.restore({ run_id });

    // Through Lockstep's own API, the same run.
    const v1 = await server.call("GET", `/api/v1/runs/${run_id}`);
    expect(v1.body.run).toMatchObject({ status: "FINISHED", params: { lr: "0.1", batch: "32" } });
  });

  it("gets MLflow errors for a missing run and a changed param", async () => {
    const missing = await failure(client.Runs.get({ run_id: "f".repeat(32) }));
    expect(missing).toMatchObject({ status: 404, data: { error_code: "RESOURCE_DOES_NOT_EXIST" } });
    const { run } = await client.Runs.create({
      experiment_id: "0",
      user_id: "npm",
      start_time: Date.now(),
    });
    await client.Runs.logParameter({ run_id: run.info.run_id, key: "p", value: "1" });
    const changed = await failure(
      client.Runs.logParameter({ run_id: run.info.run_id, key: "p", value: "2" }),
    );
    expect(changed).toMatchObject({ status: 400, data: { error_code: "INVALID_PARAMETER_VALUE" } });
  });

  it("its setExperimentTag builds a path without a slash, which is an MLflow ENDPOINT_NOT_FOUND", async () => {
    const error = await failure(
      client.Experiments.setExperimentTag({ experiment_id: "0", key: "k", value: "v" }),
    );
    expect(error).toMatchObject({ status: 404, data: { error_code: "ENDPOINT_NOT_FOUND" } });
  });
});
