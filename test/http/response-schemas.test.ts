import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { describe, expect, it } from "vitest";
import {
  ArtifactListResponse,
  ArtifactResponse,
} from "../../src/server/schemas/artifact-schemas.js";
import { ErrorBody } from "../../src/server/schemas/common-schemas.js";
import {
  ExperimentListResponse,
  ExperimentResponse,
} from "../../src/server/schemas/experiment-schemas.js";
import {
  BatchResponse,
  HistoryResponse,
  LatestMetricsResponse,
} from "../../src/server/schemas/metric-schemas.js";
import { RunListResponse, RunResponse } from "../../src/server/schemas/run-schemas.js";
import { serverForThisFile } from "./support/test-server.js";

const server = serverForThisFile();

/** The OpenAPI document is built from these schemas, so real responses must match them. */
function expectMatches(schema: TSchema, body: unknown): void {
  const errors = [...Value.Errors(schema, body)].map((e) => `${e.path}: ${e.message}`);
  expect(errors).toEqual([]);
}

describe("responses match the documented schemas", () => {
  it("for every kind of response", async () => {
    const exp = await server.call("POST", "/api/v1/experiments", { json: { name: "schemas" } });
    expectMatches(ExperimentResponse, exp.body);
    expectMatches(ExperimentListResponse, (await server.call("GET", "/api/v1/experiments")).body);
    const run = await server.call("POST", "/api/v1/runs", {
      json: { experimentName: "schemas", params: { a: "1" } },
    });
    expectMatches(RunResponse, run.body);
    const id = run.body.run.id;
    const batch = await server.call("POST", `/api/v1/runs/${id}/batch`, {
      json: {
        metrics: [
          { key: "m", value: "NaN" },
          { key: "n", value: "-Infinity", step: 2 },
        ],
      },
    });
    expectMatches(BatchResponse, batch.body);
    const full = await server.call("GET", `/api/v1/runs/${id}`);
    expectMatches(RunResponse, full.body);
    expect(full.body.run.metrics).toEqual({ m: "NaN", n: "-Infinity" });
    expectMatches(
      RunListResponse,
      (await server.call("POST", "/api/v1/runs/search", { json: {} })).body,
    );
    expectMatches(
      LatestMetricsResponse,
      (await server.call("GET", `/api/v1/runs/${id}/metrics`)).body,
    );
    for (const q of ["", "?max_points=10"]) {
      const history = await server.call("GET", `/api/v1/runs/${id}/metrics/m/history${q}`);
      expectMatches(HistoryResponse, history.body);
    }
    const artifact = await server.call("PUT", `/api/v1/runs/${id}/artifacts/d/f.txt`, { raw: "x" });
    expectMatches(ArtifactResponse, artifact.body);
    expectMatches(
      ArtifactListResponse,
      (await server.call("GET", `/api/v1/runs/${id}/artifacts`)).body,
    );
    expectMatches(ErrorBody, (await server.call("GET", "/api/v1/runs/nope")).body);
    expectMatches(
      ErrorBody,
      (await server.call("POST", "/api/v1/runs", { json: { kind: 1 } })).body,
    );
  });
});
