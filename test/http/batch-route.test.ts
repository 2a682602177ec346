import { describe, expect, it } from "vitest";
import {
  badRequest,
  createRun,
  errorBody,
  expectHealthy,
  serverForThisFile,
} from "./support/test-server.js";

const server = serverForThisFile();

const UNKNOWN = "0123456789abcdef0123456789abcdef";
const batch = (id: string, json: unknown) =>
  server.call("POST", `/api/v1/runs/${id}/batch`, { json });

describe("POST /api/v1/runs/:id/batch", () => {
  it("stores metrics, params and tags; NaN and ±Infinity round-trip as strings", async () => {
    const id = await createRun(server);
    const before = Date.now();
    const res = await batch(id, {
      metrics: [
        { key: "loss", value: 0.5, step: 1, timestamp: 10 },
        { key: "loss", value: "NaN", step: 2, timestamp: 20 },
        { key: "up", value: "Infinity" },
        { key: "down", value: "-Infinity", step: 3 },
      ],
      params: { lr: "0.1" },
      tags: { note: "hi" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 4, duplicate: false });
    const run = (await server.call("GET", `/api/v1/runs/${id}`)).body.run;
    expect(run.metrics).toEqual({ loss: "NaN", up: "Infinity", down: "-Infinity" });
    expect(run.params).toEqual({ lr: "0.1" });
    expect(run.tags.note).toBe("hi");
    const history = await server.call("GET", `/api/v1/runs/${id}/metrics/loss/history`);
    expect(history.body).toEqual({
      points: [
        { value: 0.5, step: 1, timestamp: 10 },
        { value: "NaN", step: 2, timestamp: 20 },
      ],
    });
    const up = await server.call("GET", `/api/v1/runs/${id}/metrics/up/history`);
    expect(up.body.points).toHaveLength(1);
    expect(up.body.points[0].step).toBe(0);
    expect(up.body.points[0].timestamp).toBeGreaterThanOrEqual(before);
    expect(up.body.points[0].timestamp).toBeLessThanOrEqual(Date.now());
  });

  it("acknowledges a repeated idempotencyKey as a duplicate and stores nothing", async () => {
    const id = await createRun(server);
    const body = { metrics: [{ key: "m", value: 1, step: 0 }], idempotencyKey: "batch-1" };
    expect((await batch(id, body)).body).toEqual({ accepted: 1, duplicate: false });
    expect((await batch(id, body)).body).toEqual({ accepted: 1, duplicate: true });
    const history = await server.call("GET", `/api/v1/runs/${id}/metrics/m/history`);
    expect(history.body.points).toHaveLength(1);
  });

  it("rejects bad points with 400 naming the index and field", async () => {
    const id = await createRun(server);
    const cases: [unknown, string, string][] = [
      [
        { metrics: [{ key: "a", value: "nan" }] },
        "metrics.0.value",
        'must be one of a number, "NaN", "Infinity", "-Infinity"',
      ],
      [{ metrics: [{ key: "a", value: 1 }, { value: 1 }] }, "metrics.1.key", "is required"],
      [{ metrics: [{ key: "a", value: 1, step: 1.5 }] }, "metrics.0.step", "must be an integer"],
      [{ metrics: [{ key: "a", value: 1, step: "1" }] }, "metrics.0.step", "must be an integer"],
      [
        { metrics: [{ key: "a", value: null }] },
        "metrics.0.value",
        'must be one of a number, "NaN", "Infinity", "-Infinity"',
      ],
      [{ metrics: { key: "a" } }, "metrics", "must be an array"],
      [{ params: { a: 1 } }, "params.a", "must be a string"],
    ];
    for (const [json, path, message] of cases) {
      const res = await batch(id, json);
      expect({ json, status: res.status, body: res.body }).toEqual({
        json,
        status: 400,
        body: badRequest(`invalid request body: ${path} ${message}`, [{ path, message }]),
      });
    }
    const badKey = await batch(id, {
      metrics: [
        { key: "ok", value: 1 },
        { key: "bad key!", value: 1 },
      ],
    });
    expect(badKey.body).toEqual(
      badRequest(
        `metrics.1.key ("bad key!") may contain only letters, digits, '_', '-', '.', ' ', ':' and '/'`,
        [
          {
            path: "metrics.1.key",
            message: `("bad key!") may contain only letters, digits, '_', '-', '.', ' ', ':' and '/'`,
          },
        ],
      ),
    );
    const longKey = await batch(id, { metrics: [{ key: "k".repeat(251), value: 1 }] });
    expect(longKey.status).toBe(400);
    expect(longKey.body.error.issues).toEqual([
      {
        path: "metrics.0.key",
        message: `("${"k".repeat(60)}…") must be at most 250 characters (got 251)`,
      },
    ]);
    const huge = await batch(id, { metrics: [{ key: "a", value: 1, step: 2 ** 60 }] });
    expect(huge.body).toEqual(
      badRequest("metrics.0.step must be a safe integer", [
        { path: "metrics.0.step", message: "must be a safe integer" },
      ]),
    );
    // Nothing of a rejected batch is stored.
    const latest = await server.call("GET", `/api/v1/runs/${id}/metrics`);
    expect(latest.body).toEqual({ metrics: [] });
    await expectHealthy(server);
  });

  it("answers 404 for an unknown run and 409 for a changed param", async () => {
    const unknown = await batch(UNKNOWN, { metrics: [{ key: "a", value: 1 }] });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(errorBody("NOT_FOUND", `run "${UNKNOWN}" not found`));
    const id = await createRun(server, { params: { lr: "0.1" } });
    const changed = await batch(id, { metrics: [{ key: "a", value: 1 }], params: { lr: "0.3" } });
    expect(changed.status).toBe(409);
    expect(changed.body).toEqual(
      errorBody("CONFLICT", `param "lr" of run ${id} is already "0.1"; cannot change it to "0.3"`),
    );
  });

  it("answers 413 for a batch over the count or byte limits", async () => {
    const id = await createRun(server);
    const points = Array.from({ length: 10_001 }, (_, i) => ({ key: "m", value: i, step: i }));
    const tooMany = await batch(id, { metrics: points });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body).toEqual(
      errorBody("PAYLOAD_TOO_LARGE", "a batch holds at most 10000 metric points (got 10001)"),
    );
    const params = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`p${i}`, "v"]));
    const tooManyParams = await batch(id, { params });
    expect(tooManyParams.body).toEqual(
      errorBody("PAYLOAD_TOO_LARGE", "a batch holds at most 1000 params (got 1001)"),
    );
    const tags = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`t${i}`, "v"]));
    const tooManyTags = await batch(id, { tags });
    expect(tooManyTags.body).toEqual(
      errorBody("PAYLOAD_TOO_LARGE", "a batch holds at most 1000 tags (got 1001)"),
    );
    const tooBig = await batch(id, { tags: { big: "x".repeat(9 * 1024 * 1024) } });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual(errorBody("PAYLOAD_TOO_LARGE", "request body is too large"));
    await expectHealthy(server);
  });

  it("accepts a full 10,000-point batch", async () => {
    const id = await createRun(server);
    const points = Array.from({ length: 10_000 }, (_, i) => ({
      key: `k${i % 4}`,
      value: i / 3,
      step: i,
    }));
    const res = await batch(id, { metrics: points });
    expect(res.body).toEqual({ accepted: 10_000, duplicate: false });
    const latest = await server.call("GET", `/api/v1/runs/${id}/metrics`);
    expect(latest.body.metrics).toHaveLength(4);
  });

  it("stores points sent in columns per key, in logging order, next to point objects", async () => {
    const id = await createRun(server);
    const res = await batch(id, {
      metrics: [{ key: "loss", value: 9, step: 0, timestamp: 5 }],
      series: [
        { key: "loss", values: [0.5, "NaN", 0.25], steps: [1, 2, 2], timestamps: [10, 20, 21] },
        { key: "acc", values: ["-Infinity", 0.75] },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 6, duplicate: false });
    const loss = await server.call("GET", `/api/v1/runs/${id}/metrics/loss/history`);
    expect(loss.body).toEqual({
      points: [
        { value: 9, step: 0, timestamp: 5 },
        { value: 0.5, step: 1, timestamp: 10 },
        { value: "NaN", step: 2, timestamp: 20 },
        { value: 0.25, step: 2, timestamp: 21 },
      ],
    });
    const acc = await server.call("GET", `/api/v1/runs/${id}/metrics/acc/history`);
    expect(acc.body.points.map((p: { value: unknown; step: number }) => [p.value, p.step])).toEqual(
      [
        ["-Infinity", 0],
        [0.75, 0],
      ],
    );
  });

  it("rejects columns of unequal length or bad entries with 400 and stores nothing", async () => {
    const id = await createRun(server);
    const cases: [unknown, string, string][] = [
      [
        { series: [{ key: "a", values: [1, 2], steps: [0] }] },
        "series.0.steps has 1 entries for 2 values",
        "series.0.steps",
      ],
      [
        {
          series: [
            { key: "a", values: [1] },
            { key: "b", values: [1], timestamps: [1, 2] },
          ],
        },
        "series.1.timestamps has 2 entries for 1 values",
        "series.1.timestamps",
      ],
      [
        { series: [{ key: "a", values: [1, 2], timestamps: [0, -1] }] },
        "series.0.timestamps.1 must be a non-negative integer (milliseconds)",
        "series.0.timestamps.1",
      ],
      [
        { series: [{ key: "bad key!", values: [1] }] },
        "series.0.key (\"bad key!\") may contain only letters, digits, '_', '-', '.', ' ', ':' and '/'",
        "series.0.key",
      ],
    ];
    for (const [body, message, path] of cases) {
      const res = await batch(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("BAD_REQUEST");
      expect(res.body.error.message).toBe(message);
      expect(res.body.error.issues[0].path).toBe(path);
    }
    const run = (await server.call("GET", `/api/v1/runs/${id}`)).body.run;
    expect(run.metrics).toEqual({});
    await expectHealthy(server);
  });

  it("counts columns toward the 10,000-point limit: one more is a 413", async () => {
    const id = await createRun(server);
    const res = await batch(id, {
      metrics: [{ key: "a", value: 1 }],
      series: [{ key: "b", values: Array.from({ length: 10_000 }, () => 1) }],
    });
    expect(res.status).toBe(413);
    expect(res.body).toEqual(
      errorBody("PAYLOAD_TOO_LARGE", "a batch holds at most 10000 metric points (got 10001)"),
    );
  });
});
