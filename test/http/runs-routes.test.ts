import { describe, expect, it } from "vitest";
import {
  badRequest,
  createRun,
  errorBody,
  expectHealthy,
  serverForThisFile,
} from "./support/test-server.js";

const server = serverForThisFile();

const RUN_ID = /^[0-9a-f]{32}$/;
const UNKNOWN = "0123456789abcdef0123456789abcdef";

describe("POST /api/v1/runs", () => {
  it("creates a run in Default with a generated name and MLflow's system tags", async () => {
    const before = Date.now();
    const res = await server.call("POST", "/api/v1/runs", {
      json: { params: { lr: "0.01" }, tags: { team: "vision" } },
    });
    expect(res.status).toBe(201);
    const run = res.body.run;
    expect(run.id).toMatch(RUN_ID);
    expect(run.name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
    expect(res.body).toEqual({
      run: {
        id: run.id,
        experimentId: "0",
        name: run.name,
        status: "RUNNING",
        kind: "train",
        parentId: null,
        userId: "unknown",
        startTime: expect.any(Number),
        endTime: null,
        lifecycleStage: "active",
        artifactUri: `mlflow-artifacts:/0/${run.id}/artifacts`,
        params: { lr: "0.01" },
        tags: { team: "vision", "mlflow.runName": run.name, "mlflow.user": "unknown" },
        metrics: {},
        inputs: [],
        outputs: [],
        ...(run.capture !== undefined ? { capture: run.capture } : {}),
      },
    });
    expect(run.startTime).toBeGreaterThanOrEqual(before);
  });

  it("creates the named experiment when missing and reuses it after", async () => {
    const a = await server.call("POST", "/api/v1/runs", {
      json: {
        experimentName: "auto-created",
        name: "first",
        userId: "ada",
        kind: "eval",
        startTime: 1000,
      },
    });
    expect(a.status).toBe(201);
    expect(a.body.run).toMatchObject({
      name: "first",
      userId: "ada",
      kind: "eval",
      startTime: 1000,
    });
    const exp = await server.call("GET", "/api/v1/experiments/by-name/auto-created");
    expect(exp.body.experiment.id).toBe(a.body.run.experimentId);
    expect(a.body.run.artifactUri).toBe(
      `mlflow-artifacts:/${a.body.run.experimentId}/${a.body.run.id}/artifacts`,
    );
    const b = await server.call("POST", "/api/v1/runs", {
      json: { experimentName: "auto-created" },
    });
    expect(b.body.run.experimentId).toBe(a.body.run.experimentId);
  });

  it("nests under a parent, also one in another experiment", async () => {
    const parent = await createRun(server, { experimentName: "parents" });
    const res = await server.call("POST", "/api/v1/runs", {
      json: { parentId: parent, name: "child" },
    });
    expect(res.status).toBe(201);
    expect(res.body.run).toMatchObject({ parentId: parent, experimentId: "0" });
    expect(res.body.run.tags["mlflow.parentRunId"]).toBe(parent);
    const children = await server.call("GET", `/api/v1/runs/${parent}/children`);
    expect(children.status).toBe(200);
    expect(children.body.runs.map((r: { id: string }) => r.id)).toEqual([res.body.run.id]);
  });

  it("answers 404 for an unknown experiment or parent", async () => {
    const exp = await server.call("POST", "/api/v1/runs", { json: { experimentId: "4242" } });
    expect(exp.status).toBe(404);
    expect(exp.body).toEqual(errorBody("NOT_FOUND", 'experiment "4242" not found'));
    const parent = await server.call("POST", "/api/v1/runs", { json: { parentId: UNKNOWN } });
    expect(parent.status).toBe(404);
    expect(parent.body).toEqual(errorBody("NOT_FOUND", `parent run "${UNKNOWN}" not found`));
  });

  it("rejects wrong types and out-of-limit values with 400", async () => {
    const cases: [unknown, string, string][] = [
      [{ experimentId: 5 }, "experimentId", "must be a string"],
      [{ experimentId: "abc" }, "experimentId", "must match ^[0-9]{1,18}$"],
      [
        { kind: "party" },
        "kind",
        'must be one of "train", "eval", "inference", "sweep", "reproduction"',
      ],
      [{ startTime: "yesterday" }, "startTime", "must be an integer"],
      [{ params: { lr: 0.1 } }, "params.lr", "must be a string"],
      [{ tags: ["a"] }, "tags", "must be an object"],
    ];
    for (const [json, path, message] of cases) {
      const res = await server.call("POST", "/api/v1/runs", { json });
      expect({ json, status: res.status, body: res.body }).toEqual({
        json,
        status: 400,
        body: badRequest(`invalid request body: ${path} ${message}`, [{ path, message }]),
      });
    }
    const longKey = "p".repeat(251);
    const key = await server.call("POST", "/api/v1/runs", { json: { params: { [longKey]: "1" } } });
    expect(key.status).toBe(400);
    expect(key.body).toEqual(
      badRequest(
        `invalid param key "${"p".repeat(60)}…": must be at most 250 characters (got 251)`,
        [{ path: `params.${longKey}`, message: "must be at most 250 characters (got 251)" }],
      ),
    );
    const value = await server.call("POST", "/api/v1/runs", {
      json: { params: { big: "x".repeat(6001) } },
    });
    expect(value.body).toEqual(
      badRequest('param "big" value must be at most 6000 characters (got 6001)', [
        { path: "params.big", message: "must be at most 6000 characters (got 6001)" },
      ]),
    );
    const name = await server.call("POST", "/api/v1/runs", { json: { name: "n".repeat(251) } });
    expect(name.body.error.message).toBe("run name must be at most 250 characters (got 251)");
    await expectHealthy(server);
  });
});

describe("GET, PATCH, DELETE and restore", () => {
  it("answers 404 for unknown and malformed run ids", async () => {
    for (const id of [UNKNOWN, "not-a-run-id", "ABCDEF0123456789ABCDEF0123456789"]) {
      const res = await server.call("GET", `/api/v1/runs/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(errorBody("NOT_FOUND", `run "${id}" not found`));
    }
  });

  it("moves status with the rules, filling endTime", async () => {
    const id = await createRun(server);
    const done = await server.call("PATCH", `/api/v1/runs/${id}`, { json: { status: "FINISHED" } });
    expect(done.status).toBe(200);
    expect(done.body.run.status).toBe("FINISHED");
    expect(done.body.run.endTime).toEqual(expect.any(Number));
    const again = await server.call("PATCH", `/api/v1/runs/${id}`, {
      json: { status: "FINISHED" },
    });
    expect(again.status).toBe(200);
    const failed = await server.call("PATCH", `/api/v1/runs/${id}`, { json: { status: "FAILED" } });
    expect(failed.status).toBe(409);
    expect(failed.body).toEqual(
      errorBody("CONFLICT", `run ${id} already ended as FINISHED; it cannot become FAILED`),
    );
    const resumed = await server.call("PATCH", `/api/v1/runs/${id}`, {
      json: { status: "RUNNING" },
    });
    expect(resumed.body.run).toMatchObject({ status: "RUNNING", endTime: null });
    const scheduled = await server.call("PATCH", `/api/v1/runs/${id}`, {
      json: { status: "SCHEDULED" },
    });
    expect(scheduled.body).toEqual(
      errorBody("CONFLICT", `run ${id} is RUNNING; it cannot go back to SCHEDULED`),
    );
    const bad = await server.call("PATCH", `/api/v1/runs/${id}`, { json: { status: "DONE" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe("status");
    const ended = await server.call("PATCH", `/api/v1/runs/${id}`, {
      json: { status: "KILLED", endTime: 123 },
    });
    expect(ended.body.run).toMatchObject({ status: "KILLED", endTime: 123 });
  });

  it("renames a run and keeps mlflow.runName in step", async () => {
    const id = await createRun(server, { name: "old" });
    const res = await server.call("PATCH", `/api/v1/runs/${id}`, { json: { name: "new" } });
    expect(res.body.run.name).toBe("new");
    expect(res.body.run.tags["mlflow.runName"]).toBe("new");
    await server.call("PUT", `/api/v1/runs/${id}/tags/mlflow.runName`, {
      json: { value: "newer" },
    });
    const got = await server.call("GET", `/api/v1/runs/${id}`);
    expect(got.body.run.name).toBe("newer");
  });

  it("deletes and restores; a deleted run refuses writes with 409", async () => {
    const id = await createRun(server);
    const del = await server.call("DELETE", `/api/v1/runs/${id}`);
    expect(del.status).toBe(200);
    expect(del.body.run.lifecycleStage).toBe("deleted");
    const write = await server.call("POST", `/api/v1/runs/${id}/params`, {
      json: { params: { a: "1" } },
    });
    expect(write.status).toBe(409);
    expect(write.body).toEqual(
      errorBody("CONFLICT", `run ${id} is deleted; restore it before writing to it`),
    );
    const restored = await server.call("POST", `/api/v1/runs/${id}/restore`);
    expect(restored.body.run.lifecycleStage).toBe("active");
    const ok = await server.call("POST", `/api/v1/runs/${id}/params`, {
      json: { params: { a: "1" } },
    });
    expect(ok.status).toBe(200);
  });
});

describe("params, tags and capture", () => {
  it("params are write-once: same value fine, another value 409", async () => {
    const id = await createRun(server);
    const first = await server.call("POST", `/api/v1/runs/${id}/params`, {
      json: { params: { lr: "0.1", depth: "4" } },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({});
    const same = await server.call("POST", `/api/v1/runs/${id}/params`, {
      json: { params: { lr: "0.1" } },
    });
    expect(same.status).toBe(200);
    const other = await server.call("POST", `/api/v1/runs/${id}/params`, {
      json: { params: { lr: "0.2" } },
    });
    expect(other.status).toBe(409);
    expect(other.body).toEqual(
      errorBody("CONFLICT", `param "lr" of run ${id} is already "0.1"; cannot change it to "0.2"`),
    );
    const got = await server.call("GET", `/api/v1/runs/${id}`);
    expect(got.body.run.params).toEqual({ lr: "0.1", depth: "4" });
    const missing = await server.call("POST", `/api/v1/runs/${id}/params`, { json: { lr: "0.1" } });
    expect(missing.body).toEqual(
      badRequest("invalid request body: params is required", [
        { path: "params", message: "is required" },
      ]),
    );
    const unknown = await server.call("POST", `/api/v1/runs/${UNKNOWN}/params`, {
      json: { params: {} },
    });
    expect(unknown.status).toBe(404);
    await expectHealthy(server);
  });

  it("sets and deletes tags; bad keys and long values are 400", async () => {
    const id = await createRun(server);
    const set = await server.call("PUT", `/api/v1/runs/${id}/tags/stage%2Fa`, {
      json: { value: "x" },
    });
    expect(set.status).toBe(200);
    expect((await server.call("GET", `/api/v1/runs/${id}`)).body.run.tags["stage/a"]).toBe("x");
    const del = await server.call("DELETE", `/api/v1/runs/${id}/tags/stage%2Fa`);
    expect(del.status).toBe(200);
    expect(
      (await server.call("GET", `/api/v1/runs/${id}`)).body.run.tags["stage/a"],
    ).toBeUndefined();

    const bad = await server.call("PUT", `/api/v1/runs/${id}/tags/a%3Cb`, { json: { value: "x" } });
    expect(bad.body).toEqual(
      badRequest(
        `invalid run tag key "a<b": may contain only letters, digits, '_', '-', '.', ' ', ':' and '/'`,
        [
          {
            path: "key",
            message: "may contain only letters, digits, '_', '-', '.', ' ', ':' and '/'",
          },
        ],
      ),
    );
    const dots = await server.call("PUT", `/api/v1/runs/${id}/tags/a%2F..%2Fb`, {
      json: { value: "x" },
    });
    expect(dots.body.error.message).toBe(
      `invalid run tag key "a/../b": must not contain '.' or '..' path segments`,
    );
    const long = await server.call("PUT", `/api/v1/runs/${id}/tags/k`, {
      json: { value: "v".repeat(8001) },
    });
    expect(long.body).toEqual(
      badRequest('run tag "k" value must be at most 8000 characters (got 8001)', [
        { path: "value", message: "must be at most 8000 characters (got 8001)" },
      ]),
    );
    const key251 = await server.call("PUT", `/api/v1/runs/${id}/tags/${"k".repeat(251)}`, {
      json: { value: "v" },
    });
    expect(key251.status).toBe(400);
    await expectHealthy(server);
  });

  it("stores capture and returns it on single reads only", async () => {
    const id = await createRun(server, { experimentName: "capture-exp" });
    const capture = {
      code: { commit: "abc", dirty: false },
      seed: { root: 7, derived: { init: 1 } },
    };
    const put = await server.call("PUT", `/api/v1/runs/${id}/capture`, { json: capture });
    expect(put.status).toBe(200);
    const got = await server.call("GET", `/api/v1/runs/${id}`);
    expect(got.body.run.capture).toEqual(capture);
    const notObject = await server.call("PUT", `/api/v1/runs/${id}/capture`, { json: [1] });
    expect(notObject.status).toBe(400);
  });
});

describe("POST /api/v1/runs/search", () => {
  it("filters, orders and pages", async () => {
    const exp = (await server.call("POST", "/api/v1/experiments", { json: { name: "search-exp" } }))
      .body.experiment.id;
    const ids: string[] = [];
    for (const [i, acc] of [0.5, 0.9, 0.7].entries()) {
      const id = await createRun(server, { experimentId: exp, name: `r${i}`, startTime: 1000 + i });
      await server.call("POST", `/api/v1/runs/${id}/batch`, {
        json: { metrics: [{ key: "acc", value: acc }] },
      });
      ids.push(id);
    }
    const res = await server.call("POST", "/api/v1/runs/search", {
      json: { experimentIds: [exp], filter: "metrics.acc > 0.6", orderBy: ["metrics.acc DESC"] },
    });
    expect(res.status).toBe(200);
    expect(res.body.runs.map((r: { name: string }) => r.name)).toEqual(["r1", "r2"]);
    expect(res.body.runs[0].metrics).toEqual({ acc: 0.9 });
    expect(res.body.nextPageToken).toBeUndefined();

    const p1 = await server.call("POST", "/api/v1/runs/search", {
      json: { experimentIds: [exp], maxResults: 2 },
    });
    expect(p1.body.runs.map((r: { name: string }) => r.name)).toEqual(["r2", "r1"]);
    const p2 = await server.call("POST", "/api/v1/runs/search", {
      json: { experimentIds: [exp], maxResults: 2, pageToken: p1.body.nextPageToken },
    });
    expect(p2.body).toEqual({ runs: [expect.objectContaining({ name: "r0" })] });
  });

  it("rejects an invalid filter with 400 naming the position", async () => {
    const res = await server.call("POST", "/api/v1/runs/search", {
      json: { filter: "metrics.acc >> 1" },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      badRequest('invalid filter at position 13: metrics.acc compares with a number, found ">"'),
    );
    const or = await server.call("POST", "/api/v1/runs/search", {
      json: { filter: "metrics.a > 1 or metrics.b > 2" },
    });
    expect(or.status).toBe(400);
    expect(or.body.error.message).toMatch(/position 14/);
    const ids = await server.call("POST", "/api/v1/runs/search", {
      json: { experimentIds: ["x"] },
    });
    expect(ids.body).toEqual(
      badRequest('experiment id "x" is not a decimal number', [
        { path: "experimentIds", message: "must hold decimal strings" },
      ]),
    );
    const max = await server.call("POST", "/api/v1/runs/search", { json: { maxResults: 50001 } });
    expect(max.status).toBe(400);
    await expectHealthy(server);
  });
});
