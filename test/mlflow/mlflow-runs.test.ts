import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../http/support/test-server.js";
import { expectMlflowError, mlflowClient } from "./support/mlflow-test-client.js";

let server: TestServer;
let client: ReturnType<typeof mlflowClient>;
let experimentId: string;
beforeAll(async () => {
  server = await startTestServer();
  client = mlflowClient(server);
  experimentId = await client.createExperiment("runs");
});
afterAll(async () => {
  await server?.close();
});

const runInfoShape = {
  run_id: expect.stringMatching(/^[0-9a-f]{32}$/),
  run_uuid: expect.stringMatching(/^[0-9a-f]{32}$/),
  run_name: expect.any(String),
  experiment_id: expect.stringMatching(/^\d+$/),
  user_id: expect.any(String),
  status: "RUNNING",
  start_time: expect.any(Number),
  artifact_uri: expect.any(String),
  lifecycle_stage: "active",
};

describe("runs", () => {
  it("creates a run as the Python client does and returns MLflow's run shape", async () => {
    const res = await client.post("runs/create", {
      experiment_id: Number(experimentId),
      user_id: "alice",
      run_name: "first",
      start_time: 1_700_000_000_000,
      tags: [
        { key: "mlflow.source.type", value: "LOCAL" },
        { key: "mlflow.user", value: "alice" },
      ],
    });
    expect(res.status).toBe(200);
    const id = res.body.run.info.run_id as string;
    expect(res.body).toEqual({
      run: {
        info: {
          ...runInfoShape,
          run_id: id,
          run_uuid: id,
          run_name: "first",
          experiment_id: experimentId,
          user_id: "alice",
          start_time: 1_700_000_000_000,
          artifact_uri: `mlflow-artifacts:/${experimentId}/${id}/artifacts`,
        },
        data: {
          metrics: [],
          params: [],
          tags: expect.arrayContaining([
            { key: "mlflow.source.type", value: "LOCAL" },
            { key: "mlflow.runName", value: "first" },
            { key: "mlflow.user", value: "alice" },
          ]),
        },
        inputs: { dataset_inputs: [] },
      },
    });
  });

  it("names a run without run_name, and defaults the experiment to 0", async () => {
    const res = await client.post("runs/create", {});
    expect(res.status).toBe(200);
    expect(res.body.run.info.experiment_id).toBe("0");
    expect(res.body.run.info.run_name).toMatch(/\S+/);
  });

  it("logs params, metrics and tags and reads them back with runs/get (run_uuid only, too)", async () => {
    const id = await client.createRun(experimentId);
    expect(
      await client.ok("runs/log-parameter", { run_id: id, run_uuid: id, key: "lr", value: "0.01" }),
    ).toEqual({});
    expect(
      await client.ok("runs/log-metric", {
        run_uuid: id,
        key: "loss",
        value: 0.5,
        timestamp: 10,
        step: 1,
      }),
    ).toEqual({});
    expect(
      await client.ok("runs/log-metric", {
        run_id: id,
        key: "loss",
        value: 0.25,
        timestamp: 20,
        step: 2,
      }),
    ).toEqual({});
    expect(
      await client.ok("runs/log-metric", {
        run_id: id,
        key: "weird",
        value: "-Infinity",
        timestamp: 5,
      }),
    ).toEqual({});
    expect(await client.ok("runs/set-tag", { run_id: id, key: "note", value: "hi" })).toEqual({});

    for (const query of [{ run_id: id }, { run_uuid: id }]) {
      const res = await client.get("runs/get", query);
      expect(res.status).toBe(200);
      expect(res.body.run.data.params).toEqual([{ key: "lr", value: "0.01" }]);
      expect(res.body.run.data.metrics).toEqual(
        expect.arrayContaining([
          { key: "loss", value: 0.25, timestamp: 20, step: 2 },
          { key: "weird", value: "-Infinity", timestamp: 5, step: 0 },
        ]),
      );
      expect(res.body.run.data.tags).toContainEqual({ key: "note", value: "hi" });
    }
  });

  it("deletes tags; a missing tag is RESOURCE_DOES_NOT_EXIST", async () => {
    const id = await client.createRun(experimentId);
    await client.ok("runs/set-tag", { run_id: id, key: "t", value: "1" });
    expect(await client.ok("runs/delete-tag", { run_id: id, key: "t" })).toEqual({});
    const res = await client.get("runs/get", { run_id: id });
    expect(res.body.run.data.tags).not.toContainEqual({ key: "t", value: "1" });
    expectMlflowError(
      await client.post("runs/delete-tag", { run_id: id, key: "t" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
  });

  it("renames through the mlflow.runName tag", async () => {
    const id = await client.createRun(experimentId, { run_name: "before" });
    await client.ok("runs/set-tag", { run_id: id, key: "mlflow.runName", value: "after" });
    const res = await client.get("runs/get", { run_id: id });
    expect(res.body.run.info.run_name).toBe("after");
  });

  it("renames through an mlflow.runName tag in log-batch too", async () => {
    const id = await client.createRun(experimentId, { run_name: "before" });
    await client.ok("runs/log-batch", {
      run_id: id,
      tags: [{ key: "mlflow.runName", value: "batched" }],
    });
    const res = await client.get("runs/get", { run_id: id });
    expect(res.body.run.info.run_name).toBe("batched");
    const v1 = await server.call("GET", `/api/v1/runs/${id}`);
    expect(v1.body.run.name).toBe("batched");
  });

  it("updates status and end time and returns run_info; enums by name", async () => {
    const id = await client.createRun(experimentId);
    const res = await client.post("runs/update", {
      run_uuid: id,
      status: "FINISHED",
      end_time: 1_800_000_000_000,
      run_name: "done",
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      run_info: {
        ...runInfoShape,
        run_id: id,
        run_uuid: id,
        run_name: "done",
        status: "FINISHED",
        end_time: 1_800_000_000_000,
      },
    });
    expectMlflowError(
      await client.post("runs/update", { run_id: id, status: "DONE" }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });

  it("deletes and restores; a deleted run refuses writes with INVALID_PARAMETER_VALUE", async () => {
    const id = await client.createRun(experimentId);
    expect(await client.ok("runs/delete", { run_id: id })).toEqual({});
    let res = await client.get("runs/get", { run_id: id });
    expect(res.body.run.info.lifecycle_stage).toBe("deleted");
    expectMlflowError(
      await client.post("runs/log-metric", { run_id: id, key: "m", value: 1, timestamp: 1 }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expect(await client.ok("runs/restore", { run_id: id })).toEqual({});
    res = await client.get("runs/get", { run_id: id });
    expect(res.body.run.info.lifecycle_stage).toBe("active");
  });

  it("answers unknown runs with RESOURCE_DOES_NOT_EXIST and a missing run_id with INVALID_PARAMETER_VALUE", async () => {
    const ghost = "0".repeat(32);
    expectMlflowError(
      await client.get("runs/get", { run_id: ghost }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectMlflowError(
      await client.get("runs/get", { run_id: "not-a-run" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectMlflowError(
      await client.post("runs/log-parameter", { run_id: ghost, key: "a", value: "b" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectMlflowError(await client.get("runs/get", {}), 400, "INVALID_PARAMETER_VALUE");
    expectMlflowError(
      await client.post("runs/create", { experiment_id: "424242" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
  });

  it("treats write-once params as MLflow does: the same value is fine, another is INVALID_PARAMETER_VALUE", async () => {
    const id = await client.createRun(experimentId);
    await client.ok("runs/log-parameter", { run_id: id, key: "p", value: "1" });
    await client.ok("runs/log-parameter", { run_id: id, key: "p", value: "1" });
    expectMlflowError(
      await client.post("runs/log-parameter", { run_id: id, key: "p", value: "2" }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });

  it("logs dataset inputs with their context and models into the log-model history", async () => {
    const id = await client.createRun(experimentId);
    const dataset = {
      name: "digits",
      digest: "abc123",
      source_type: "local",
      source: "/data/digits",
    };
    expect(
      await client.ok("runs/log-inputs", {
        run_id: id,
        datasets: [{ tags: [{ key: "mlflow.data.context", value: "training" }], dataset }],
      }),
    ).toEqual({});
    const model = { artifact_path: "model", flavors: { sklearn: {} }, run_id: id };
    await client.ok("runs/log-model", { run_id: id, model_json: JSON.stringify(model) });
    await client.ok("runs/log-model", {
      run_id: id,
      model_json: JSON.stringify({ ...model, artifact_path: "m2" }),
    });

    const res = await client.get("runs/get", { run_id: id });
    expect(res.body.run.inputs.dataset_inputs).toEqual([
      {
        tags: [{ key: "mlflow.data.context", value: "training" }],
        dataset: expect.objectContaining({ name: "digits", digest: "abc123" }),
      },
    ]);
    const history = res.body.run.data.tags.find(
      (t: { key: string }) => t.key === "mlflow.log-model.history",
    );
    expect(JSON.parse(history.value)).toEqual([model, { ...model, artifact_path: "m2" }]);

    const v1 = await server.call("GET", `/api/v1/runs/${id}`);
    expect(v1.body.run.inputs).toEqual([
      { kind: "dataset", name: "digits", version: "abc123", digest: "abc123", context: "training" },
    ]);
    expectMlflowError(
      await client.post("runs/log-model", { run_id: id, model_json: "{oops" }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expectMlflowError(
      await client.post("runs/log-inputs", {
        run_id: id,
        datasets: [{ dataset: { digest: "x" } }],
      }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });
});
