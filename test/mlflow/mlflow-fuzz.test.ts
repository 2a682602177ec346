import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectHealthy, startTestServer, type TestServer } from "../http/support/test-server.js";
import { API, ARTIFACTS, mlflowClient } from "./support/mlflow-test-client.js";

let server: TestServer;
let runId: string;
let experimentId: string;
beforeAll(async () => {
  server = await startTestServer();
  const client = mlflowClient(server);
  experimentId = await client.createExperiment("fuzz");
  runId = await client.createRun(experimentId);
});
afterAll(async () => {
  await server?.close();
});

/** Every MLflow write route with the fields it reads, so some bodies get far into the handler. */
const ROUTES: { path: string; fields: string[] }[] = [
  { path: "experiments/create", fields: ["name", "artifact_location", "tags"] },
  { path: "experiments/update", fields: ["experiment_id", "new_name"] },
  { path: "experiments/delete", fields: ["experiment_id"] },
  { path: "experiments/restore", fields: ["experiment_id"] },
  { path: "experiments/set-experiment-tag", fields: ["experiment_id", "key", "value"] },
  { path: "experiments/delete-experiment-tag", fields: ["experiment_id", "key"] },
  {
    path: "experiments/search",
    fields: ["max_results", "page_token", "filter", "order_by", "view_type"],
  },
  { path: "runs/create", fields: ["experiment_id", "user_id", "run_name", "start_time", "tags"] },
  { path: "runs/update", fields: ["run_id", "run_uuid", "status", "end_time", "run_name"] },
  { path: "runs/set-tag", fields: ["run_id", "key", "value"] },
  { path: "runs/delete-tag", fields: ["run_id", "key"] },
  { path: "runs/log-parameter", fields: ["run_id", "key", "value"] },
  { path: "runs/log-metric", fields: ["run_id", "key", "value", "timestamp", "step"] },
  { path: "runs/log-batch", fields: ["run_id", "metrics", "params", "tags"] },
  { path: "runs/log-model", fields: ["run_id", "model_json"] },
  { path: "runs/log-inputs", fields: ["run_id", "datasets"] },
  {
    path: "runs/search",
    fields: ["experiment_ids", "filter", "run_view_type", "max_results", "order_by", "page_token"],
  },
];

const keyValue = fc.record(
  { key: fc.oneof(fc.string(), fc.integer()), value: fc.anything() },
  { requiredKeys: [] },
);
const metricEntry = fc.record(
  {
    key: fc.oneof(fc.constant("m"), fc.string()),
    value: fc.oneof(
      fc.double(),
      fc.constantFrom("NaN", "Infinity", "-Infinity", "x"),
      fc.anything(),
    ),
    timestamp: fc.oneof(fc.integer(), fc.double(), fc.string()),
    step: fc.oneof(fc.integer(), fc.bigInt().map(String), fc.anything()),
  },
  { requiredKeys: [] },
);

function fieldValue(field: string): fc.Arbitrary<unknown> {
  const ids: Record<string, () => fc.Arbitrary<unknown>> = {
    run_id: () => fc.oneof(fc.constant(runId), fc.string(), fc.integer()),
    run_uuid: () => fc.oneof(fc.constant(runId), fc.string()),
    experiment_id: () =>
      fc.oneof(fc.constant(experimentId), fc.integer(), fc.string(), fc.double()),
    experiment_ids: () => fc.array(fc.oneof(fc.constant(experimentId), fc.string(), fc.integer())),
    metrics: () => fc.oneof(fc.array(metricEntry, { maxLength: 5 }), fc.anything()),
    params: () => fc.oneof(fc.array(keyValue, { maxLength: 5 }), fc.anything()),
    tags: () => fc.oneof(fc.array(keyValue, { maxLength: 5 }), fc.anything()),
    datasets: () =>
      fc.array(
        fc.record({ tags: fc.array(keyValue), dataset: fc.anything() }, { requiredKeys: [] }),
        { maxLength: 3 },
      ),
    filter: () =>
      fc.oneof(fc.string(), fc.constantFrom("metrics.m > 1", "params.a = 'b'", "name LIKE '%'")),
    order_by: () => fc.oneof(fc.array(fc.string()), fc.anything()),
    model_json: () => fc.oneof(fc.json(), fc.string()),
  };
  return (ids[field] ?? (() => fc.anything()))();
}

function bodyFor(fields: string[]): fc.Arbitrary<unknown> {
  const record = Object.fromEntries(fields.map((f) => [f, fieldValue(f)]));
  return fc.oneof(
    { weight: 4, arbitrary: fc.record(record, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.anything() },
  );
}

describe("MLflow write routes never answer 5xx", () => {
  for (const route of ROUTES) {
    it(`POST ${route.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(bodyFor(route.fields), async (body) => {
          const res = await server.call("POST", `${API}/${route.path}`, {
            raw: JSON.stringify(body) ?? "",
            headers: { "content-type": "application/json" },
          });
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          if (res.status !== 200) {
            expect(res.body).toEqual({
              error_code: expect.any(String),
              message: expect.any(String),
            });
          }
        }),
        { numRuns: 40 },
      );
    });
  }

  it("raw bodies and proxy paths", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (path, body) => {
        const target = `${ARTIFACTS}/artifacts/${experimentId}/${runId}/artifacts/${encodeURIComponent(path)}`;
        const res = await server.call("PUT", target, { raw: body });
        expect(res.status).toBeLessThan(500);
        const json = await server.call("POST", `${API}/runs/log-batch`, {
          raw: body,
          headers: { "content-type": "application/json" },
        });
        expect(json.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
    await expectHealthy(server);
  });
});
