import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../http/support/test-server.js";
import { expectMlflowError, mlflowClient } from "./support/mlflow-test-client.js";

let server: TestServer;
let client: ReturnType<typeof mlflowClient>;
let experimentId: string;
beforeAll(async () => {
  server = await startTestServer();
  client = mlflowClient(server);
  experimentId = await client.createExperiment("limits");
});
afterAll(async () => {
  await server?.close();
});

const metric = (i: number) => ({ key: `m${i % 10}`, value: i, timestamp: i, step: i });
const param = (i: number) => ({ key: `p${i}`, value: "v" });
const tag = (i: number) => ({ key: `t${i}`, value: "v" });

async function pointCount(runId: string): Promise<number> {
  const res = await client.get("runs/get", { run_id: runId });
  return res.body.run.data.metrics.length + res.body.run.data.params.length;
}

describe("log-batch limits", () => {
  it("accepts exactly 1000 metrics, 100 params and 100 tags (in separate requests)", async () => {
    const id = await client.createRun(experimentId);
    expect(
      await client.ok("runs/log-batch", {
        run_id: id,
        metrics: Array.from({ length: 1000 }, (_, i) => metric(i)),
      }),
    ).toEqual({});
    expect(
      await client.ok("runs/log-batch", {
        run_id: id,
        params: Array.from({ length: 100 }, (_, i) => param(i)),
      }),
    ).toEqual({});
    expect(
      await client.ok("runs/log-batch", {
        run_id: id,
        tags: Array.from({ length: 100 }, (_, i) => tag(i)),
      }),
    ).toEqual({});
    const history = await client.get("metrics/get-history", { run_id: id, metric_key: "m3" });
    expect(history.body.metrics).toHaveLength(100);
  });

  it.each([
    ["1001 metrics", { metrics: Array.from({ length: 1001 }, (_, i) => metric(i)) }],
    ["101 params", { params: Array.from({ length: 101 }, (_, i) => param(i)) }],
    ["101 tags", { tags: Array.from({ length: 101 }, (_, i) => tag(i)) }],
    [
      "1001 entities in all",
      {
        metrics: Array.from({ length: 900 }, (_, i) => metric(i)),
        params: Array.from({ length: 100 }, (_, i) => param(i)),
        tags: [tag(0)],
      },
    ],
  ])("rejects %s with INVALID_PARAMETER_VALUE and stores nothing", async (_name, batch) => {
    const id = await client.createRun(experimentId);
    expectMlflowError(
      await client.post("runs/log-batch", { run_id: id, ...batch }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expect(await pointCount(id)).toBe(0);
  });

  it("rejects a body over 1 MB with a 400, not a 413", async () => {
    const id = await client.createRun(experimentId);
    const tags = Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: "x".repeat(8000) }));
    const params = Array.from({ length: 100 }, (_, i) => ({
      key: `p${i}`,
      value: "x".repeat(6000),
    }));
    const res = await client.post("runs/log-batch", { run_id: id, tags, params });
    expectMlflowError(res, 400, "INVALID_PARAMETER_VALUE");
  });

  it("rejects the same param key twice in one batch, even with the same value", async () => {
    const id = await client.createRun(experimentId);
    const params = [
      { key: "a", value: "1" },
      { key: "a", value: "1" },
    ];
    const res = await client.post("runs/log-batch", { run_id: id, params });
    expectMlflowError(res, 400, "INVALID_PARAMETER_VALUE");
    expect(res.body.message).toContain("Duplicate parameter keys");
  });

  it("rejects a batch changing a logged param and stores none of it", async () => {
    const id = await client.createRun(experimentId);
    await client.ok("runs/log-parameter", { run_id: id, key: "a", value: "1" });
    const res = await client.post("runs/log-batch", {
      run_id: id,
      params: [{ key: "a", value: "2" }],
      metrics: [metric(1)],
    });
    expectMlflowError(res, 400, "INVALID_PARAMETER_VALUE");
    expect(await pointCount(id)).toBe(1);
  });
});

describe("keys and values", () => {
  const longKey = "k".repeat(251);
  it.each([
    ["runs/log-parameter", { key: longKey, value: "v" }],
    ["runs/log-parameter", { key: "bad*key", value: "v" }],
    ["runs/log-parameter", { key: "a/../b", value: "v" }],
    ["runs/log-parameter", { key: "p", value: "v".repeat(6001) }],
    ["runs/set-tag", { key: "t", value: "v".repeat(8001) }],
    ["runs/set-tag", { key: "bad\nkey", value: "v" }],
    ["runs/log-metric", { key: longKey, value: 1, timestamp: 1 }],
    ["runs/log-metric", { key: "m", value: "lots", timestamp: 1 }],
    ["runs/log-metric", { key: "m", value: 1 }],
    ["runs/log-metric", { key: "m", value: 1, timestamp: 1, step: 1.5 }],
    [
      "runs/log-batch",
      {
        metrics: [
          { key: "ok", value: 1, timestamp: 1 },
          { key: "no!", value: 1, timestamp: 1 },
        ],
      },
    ],
    ["runs/log-batch", { params: [{ key: "p", value: "v".repeat(6001) }] }],
    ["runs/log-batch", { metrics: "not a list" }],
  ])("%s rejects %j with INVALID_PARAMETER_VALUE", async (route, body) => {
    const id = await client.createRun(experimentId);
    expectMlflowError(
      await client.post(route, { run_id: id, ...body }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expect(await pointCount(id)).toBe(0);
  });

  it("accepts keys at the limit and values of exactly the maximum length", async () => {
    const id = await client.createRun(experimentId);
    const key = "a/b.c-d e:f_".padEnd(250, "x");
    await client.ok("runs/log-parameter", { run_id: id, key, value: "v".repeat(6000) });
    await client.ok("runs/set-tag", { run_id: id, key, value: "v".repeat(8000) });
    await client.ok("runs/log-metric", { run_id: id, key, value: 1, timestamp: 1 });
  });

  it("accepts NaN and ±Infinity as strings and as Python's bare tokens, and returns them as strings", async () => {
    const id = await client.createRun(experimentId);
    await client.ok("runs/log-batch", {
      run_id: id,
      metrics: [
        { key: "nan", value: "NaN", timestamp: 1 },
        { key: "inf", value: "Infinity", timestamp: 1 },
      ],
    });
    const raw = `{"run_id": "${id}", "metrics": [{"key": "ninf", "value": -Infinity, "timestamp": 1, "step": 0}, {"key": "bare", "value": NaN, "timestamp": 1, "step": 0}]}`;
    const res = await server.call("POST", "/api/2.0/mlflow/runs/log-batch", {
      raw,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    const got = await client.get("runs/get", { run_id: id });
    expect(got.body.run.data.metrics).toEqual(
      expect.arrayContaining([
        { key: "nan", value: "NaN", timestamp: 1, step: 0 },
        { key: "inf", value: "Infinity", timestamp: 1, step: 0 },
        { key: "ninf", value: "-Infinity", timestamp: 1, step: 0 },
        { key: "bare", value: "NaN", timestamp: 1, step: 0 },
      ]),
    );
  });

  it("accepts int64 fields sent as strings (protobuf JSON) and numbers in strings for values", async () => {
    const id = await client.createRun(experimentId);
    await client.ok("runs/log-metric", {
      run_id: id,
      key: "m",
      value: "0.5",
      timestamp: "123",
      step: "7",
    });
    const got = await client.get("runs/get", { run_id: id });
    expect(got.body.run.data.metrics).toEqual([{ key: "m", value: 0.5, timestamp: 123, step: 7 }]);
  });
});
