import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  badRequest,
  createRun,
  errorBody,
  expectHealthy,
  startTestServer,
  type TestServer,
} from "./support/test-server.js";

let server: TestServer;
let runId: string;
beforeAll(async () => {
  server = await startTestServer();
  runId = await createRun(server);
  const metrics = Array.from({ length: 1000 }, (_, step) => ({
    key: "train/loss",
    value: step === 500 ? 1000 : 1 / (step + 1),
    step,
    timestamp: 1_000_000 + step,
  }));
  metrics.push({ key: "acc", value: 0.9, step: 3, timestamp: 5 });
  const res = await server.call("POST", `/api/v1/runs/${runId}/batch`, { json: { metrics } });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

const UNKNOWN = "0123456789abcdef0123456789abcdef";
const history = (query = "", key = "train%2Floss", id = runId) =>
  server.call("GET", `/api/v1/runs/${id}/metrics/${key}/history${query}`);

describe("metrics routes", () => {
  it("lists the latest value of every key", async () => {
    const res = await server.call("GET", `/api/v1/runs/${runId}/metrics`);
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries(res.body.metrics.map((m: { key: string }) => [m.key, m]));
    expect(byKey).toEqual({
      acc: { key: "acc", value: 0.9, step: 3, timestamp: 5 },
      "train/loss": { key: "train/loss", value: 1 / 1000, step: 999, timestamp: 1_000_999 },
    });
  });

  it("pages a history with max_results and page_token, within a step range", async () => {
    const first = await history("?max_results=300");
    expect(first.status).toBe(200);
    expect(first.body.points).toHaveLength(300);
    expect(first.body.points[0]).toEqual({ value: 1, step: 0, timestamp: 1_000_000 });
    const steps: number[] = first.body.points.map((p: { step: number }) => p.step);
    let token = first.body.nextPageToken;
    while (token) {
      const page = await history(`?max_results=300&page_token=${encodeURIComponent(token)}`);
      steps.push(...page.body.points.map((p: { step: number }) => p.step));
      token = page.body.nextPageToken;
    }
    expect(steps).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const range = await history("?start_step=10&end_step=12");
    expect(range.body.points.map((p: { step: number }) => p.step)).toEqual([10, 11, 12]);
    expect(range.body.nextPageToken).toBeUndefined();
  });

  it("downsamples with max_points and keeps the spike", async () => {
    const res = await history("?max_points=40");
    expect(res.status).toBe(200);
    expect(res.body.downsampled).toBe(true);
    expect(res.body.total).toBe(1000);
    expect(res.body.points.length).toBeLessThanOrEqual(60);
    expect(res.body.points.map((p: { value: number }) => p.value)).toContain(1000);
  });

  it("gives an empty history for a key the run never logged", async () => {
    const res = await history("", "never");
    expect(res.body).toEqual({ points: [] });
  });

  it("rejects bad queries with 400 and unknown runs with 404", async () => {
    const tooMany = await history("?max_results=25001");
    expect(tooMany.body).toEqual(
      badRequest("max_results must be an integer from 1 to 25000 (got 25001)", [
        { path: "max_results", message: "must be an integer from 1 to 25000" },
      ]),
    );
    const notInt = await history("?start_step=abc");
    expect(notInt.body).toEqual(
      badRequest("invalid query string: start_step must be an integer", [
        { path: "start_step", message: "must be an integer" },
      ]),
    );
    const backwards = await history("?start_step=5&end_step=1");
    expect(backwards.body).toEqual(
      badRequest("start_step (5) is after end_step (1)", [
        { path: "start_step", message: "must not be after end_step" },
      ]),
    );
    const token = await history("?page_token=abc");
    expect(token.body).toEqual(badRequest("invalid page token"));
    const points = await history("?max_points=0");
    expect(points.status).toBe(400);
    const key = await history("", "a%2F..%2Fb");
    expect(key.status).toBe(400);
    const unknown = await history("", "loss", UNKNOWN);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(errorBody("NOT_FOUND", `run "${UNKNOWN}" not found`));
    const latest = await server.call("GET", `/api/v1/runs/${UNKNOWN}/metrics`);
    expect(latest.status).toBe(404);
    await expectHealthy(server);
  });
});
