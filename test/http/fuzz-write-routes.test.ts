import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRun,
  expectHealthy,
  startTestServer,
  type TestServer,
} from "./support/test-server.js";

let server: TestServer;
let runId: string;
let experimentId: string;
beforeAll(async () => {
  server = await startTestServer();
  runId = await createRun(server, { experimentName: "fuzz" });
  experimentId = (await server.call("GET", "/api/v1/experiments/by-name/fuzz")).body.experiment.id;
});
afterAll(async () => {
  await server?.close();
});

/** Every route that takes a body, with the fields it knows (so some bodies get past the schema). */
const ROUTES: { method: string; path: () => string; fields: string[] }[] = [
  {
    method: "POST",
    path: () => "/api/v1/experiments",
    fields: ["name", "artifactLocation", "tags"],
  },
  { method: "PATCH", path: () => `/api/v1/experiments/${experimentId}`, fields: ["name"] },
  { method: "PUT", path: () => `/api/v1/experiments/${experimentId}/tags/k`, fields: ["value"] },
  {
    method: "POST",
    path: () => "/api/v1/runs",
    fields: [
      "experimentId",
      "experimentName",
      "name",
      "parentId",
      "kind",
      "userId",
      "startTime",
      "tags",
      "params",
    ],
  },
  { method: "PATCH", path: () => `/api/v1/runs/${runId}`, fields: ["status", "endTime", "name"] },
  {
    method: "POST",
    path: () => "/api/v1/runs/search",
    fields: ["experimentIds", "filter", "orderBy", "viewType", "maxResults", "pageToken"],
  },
  { method: "POST", path: () => `/api/v1/runs/${runId}/params`, fields: ["params"] },
  { method: "PUT", path: () => `/api/v1/runs/${runId}/tags/k`, fields: ["value"] },
  {
    method: "POST",
    path: () => `/api/v1/runs/${runId}/batch`,
    fields: ["metrics", "params", "tags", "idempotencyKey"],
  },
  { method: "PUT", path: () => `/api/v1/runs/${runId}/capture`, fields: ["code", "seed"] },
];

const metricLike = fc.record(
  {
    key: fc.oneof(fc.constantFrom("loss", "a/b", "", "a/../b"), fc.string()),
    value: fc.oneof(
      fc.double(),
      fc.constantFrom("NaN", "Infinity", "-Infinity", "nan"),
      fc.jsonValue(),
    ),
    step: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
    timestamp: fc.oneof(fc.nat(), fc.integer(), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

/** Built once the run exists, so some bodies name it. */
const fieldValue = () =>
  fc.oneof(
    fc.jsonValue(),
    fc.string(),
    fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.jsonValue())),
    fc.array(metricLike, { maxLength: 5 }),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.constantFrom("RUNNING", "FINISHED", "train", "0", "metrics.a > 1", runId),
  );

const plausibleBody = () =>
  fc.nat({ max: ROUTES.length - 1 }).chain((i) =>
    fc.tuple(
      fc.constant(i),
      fc.dictionary(fc.constantFrom(...(ROUTES[i]?.fields ?? ["x"])), fieldValue(), {
        maxKeys: 4,
      }),
    ),
  );

async function send(route: number, raw: string, contentType = "application/json") {
  const r = ROUTES[route];
  if (!r) throw new Error("no route");
  return server.call(r.method, r.path(), { raw, headers: { "content-type": contentType } });
}

function expectNo5xx(res: { status: number; body: unknown }, context: unknown): void {
  if (res.status >= 500)
    throw new Error(`5xx for ${JSON.stringify(context)}: ${JSON.stringify(res.body)}`);
  if (res.status >= 400) {
    expect(res.body).toEqual({
      error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
    });
  }
}

describe("fuzzing the write routes", () => {
  it("never answers 5xx to plausible-looking bodies", async () => {
    await fc.assert(
      fc.asyncProperty(plausibleBody(), async ([route, body]) => {
        const res = await send(route, JSON.stringify(body));
        expectNo5xx(res, { route: ROUTES[route]?.path(), body });
      }),
      { numRuns: 100 },
    );
    await expectHealthy(server);
  });

  it("never answers 5xx to arbitrary JSON values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: ROUTES.length - 1 }), fc.jsonValue(), async (route, body) => {
        const res = await send(route, JSON.stringify(body));
        expectNo5xx(res, { route: ROUTES[route]?.path(), body });
      }),
      { numRuns: 50 },
    );
    await expectHealthy(server);
  });

  it("answers 4xx to non-JSON text, with any content type", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: ROUTES.length - 1 }),
        fc.string({ minLength: 1 }).filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        }),
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"),
        async (route, text, type) => {
          const res = await send(route, text, type);
          expectNo5xx(res, { route: ROUTES[route]?.path(), text, type });
          expect(res.status).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 50 },
    );
    await expectHealthy(server);
  });
});
