import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../http/support/test-server.js";
import { expectMlflowError, mlflowClient } from "./support/mlflow-test-client.js";

let server: TestServer;
let client: ReturnType<typeof mlflowClient>;
let experimentId: string;
beforeAll(async () => {
  server = await startTestServer();
  client = mlflowClient(server);
  experimentId = await client.createExperiment("search-history");
});
afterAll(async () => {
  await server?.close();
});

describe("runs/search", () => {
  it("filters, orders, pages and returns metrics with timestamp and step", async () => {
    const exp = await client.createExperiment("search");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await client.createRun(exp, { start_time: 1000 + i });
      await client.ok("runs/log-batch", {
        run_id: id,
        metrics: [{ key: "acc", value: i / 10, timestamp: 100 + i, step: i }],
        params: [{ key: "i", value: String(i) }],
      });
      ids.push(id);
    }
    const first = await client.post("runs/search", {
      experiment_ids: [Number(exp)],
      filter: "metrics.acc >= 0.1 and params.i != '4'",
      run_view_type: "ACTIVE_ONLY",
      order_by: ["metrics.acc DESC"],
      max_results: 2,
    });
    expect(first.status).toBe(200);
    expect(first.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([
      ids[3],
      ids[2],
    ]);
    expect(first.body.runs[0].data.metrics).toEqual([
      { key: "acc", value: 0.3, timestamp: 103, step: 3 },
    ]);
    const second = await client.post("runs/search", {
      experiment_ids: [exp],
      filter: "metrics.acc >= 0.1 and params.i != '4'",
      order_by: ["metrics.acc DESC"],
      max_results: 2,
      page_token: first.body.next_page_token,
    });
    expect(second.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([
      ids[1],
    ]);
    expect(second.body.next_page_token).toBeUndefined();
  });

  it("defaults to start_time DESC and rejects bad filters, view types and max_results", async () => {
    const exp = await client.createExperiment("search-defaults");
    const a = await client.createRun(exp, { start_time: 1 });
    const b = await client.createRun(exp, { start_time: 2 });
    const res = await client.post("runs/search", { experiment_ids: [exp] });
    expect(res.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([b, a]);
    const none = await client.post("runs/search", {
      experiment_ids: [exp],
      filter: "tags.nope = 'x'",
    });
    expect(none.body).toEqual({ runs: [] });
    for (const body of [
      { experiment_ids: [exp], filter: "metrics.acc >" },
      { experiment_ids: [exp], filter: "a = 1 or b = 2" },
      { experiment_ids: [exp], run_view_type: "SOMETIMES" },
      { experiment_ids: [exp], max_results: 50_001 },
      { experiment_ids: [exp], max_results: 0 },
      { experiment_ids: [exp], page_token: "garbage" },
    ]) {
      expectMlflowError(await client.post("runs/search", body), 400, "INVALID_PARAMETER_VALUE");
    }
  });
});

describe("metric history", () => {
  it("pages get-history and samples get-history-bulk-interval over repeated run_ids", async () => {
    const a = await client.createRun(experimentId);
    const b = await client.createRun(experimentId);
    const metrics = Array.from({ length: 50 }, (_, step) => ({
      key: "m",
      value: step,
      timestamp: step,
      step,
    }));
    await client.ok("runs/log-batch", { run_id: a, metrics });
    await client.ok("runs/log-batch", { run_id: b, metrics: metrics.slice(0, 10) });

    const page1 = await client.get("metrics/get-history", {
      run_id: a,
      metric_key: "m",
      max_results: 30,
    });
    expect(page1.status).toBe(200);
    expect(page1.body.metrics).toHaveLength(30);
    expect(page1.body.metrics[0]).toEqual({ key: "m", value: 0, timestamp: 0, step: 0 });
    const page2 = await client.get("metrics/get-history", {
      run_uuid: a,
      metric_key: "m",
      max_results: 30,
      page_token: page1.body.next_page_token,
    });
    expect(page2.body.metrics.map((m: { step: number }) => m.step)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 30),
    );
    expect(page2.body.next_page_token).toBeUndefined();
    expectMlflowError(
      await client.get("metrics/get-history", { run_id: a, metric_key: "m", max_results: 25_001 }),
      400,
      "INVALID_PARAMETER_VALUE",
    );

    const bulk = await client.get("metrics/get-history-bulk-interval", {
      run_ids: [a, b],
      metric_key: "m",
      max_results: 5,
    });
    expect(bulk.status).toBe(200);
    const forA = bulk.body.metrics.filter((m: { run_id: string }) => m.run_id === a);
    const forB = bulk.body.metrics.filter((m: { run_id: string }) => m.run_id === b);
    expect(forA.length).toBeLessThanOrEqual(5);
    expect(forA[0]).toEqual({ key: "m", value: 0, timestamp: 0, step: 0, run_id: a });
    expect(forB.length).toBeLessThanOrEqual(5);
    const ranged = await client.get("metrics/get-history-bulk-interval", {
      run_ids: a,
      metric_key: "m",
      start_step: 10,
      end_step: 12,
    });
    expect(ranged.body.metrics.map((m: { step: number }) => m.step)).toEqual([10, 11, 12]);
    expectMlflowError(
      await client.get("metrics/get-history-bulk-interval", { metric_key: "m" }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });
});
