import { describe, expect, it } from "vitest";
import { errorBody, expectHealthy, serverForThisFile } from "../http/support/test-server.js";

const server = serverForThisFile();

const SPEC = {
  command: ["node", "trial.cjs"],
  method: "random",
  seed: 1,
  budget: { max_trials: 2, max_parallel: 1 },
  objective: { metric: "loss", goal: "minimize" },
  parameters: { lr: { distribution: "log_uniform", min: 0.001, max: 0.1 } },
};

async function createSweep(): Promise<string> {
  const res = await server.call("POST", "/api/v1/sweeps", { json: { spec: SPEC } });
  expect(res.status).toBe(201);
  return res.body.sweep.id as string;
}

describe("/api/v1/sweeps", () => {
  it("creates a sweep and shows it", async () => {
    const id = await createSweep();
    const res = await server.call("GET", `/api/v1/sweeps/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.sweep).toMatchObject({
      id,
      state: "running",
      method: "random",
      objective: { metric: "loss", goal: "minimize" },
      budget: { maxTrials: 2, maxParallel: 1 },
      counts: { queued: 0, running: 0, finished: 0, failed: 0, pruned: 0, expired: 0 },
      best: null,
      bestTrial: null,
      message: "no trial has finished yet",
      bestSoFar: [],
      trials: [],
    });
    const run = await server.call("GET", `/api/v1/runs/${id}`);
    expect(run.body.run).toMatchObject({ kind: "sweep", status: "RUNNING" });
  });

  it("answers a bad spec with 400 naming the keys, and stores no run", async () => {
    const before = await server.call("POST", "/api/v1/runs/search", { json: {} });
    const res = await server.call("POST", "/api/v1/sweeps", {
      json: { spec: { ...SPEC, parameters: { lr: { distribution: "uniform", min: 3, max: 1 } } } },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: "BAD_REQUEST",
        message: "invalid sweep spec: parameters.lr.min: min 3 is greater than max 1",
        issues: [{ path: "parameters.lr.min", message: "min 3 is greater than max 1" }],
      },
    });
    const after = await server.call("POST", "/api/v1/runs/search", { json: {} });
    expect(after.body).toEqual(before.body);
    await expectHealthy(server);
  });

  it("leases, keeps to max_parallel, and refuses renewals by others", async () => {
    const id = await createSweep();
    const first = await server.call("POST", `/api/v1/sweeps/${id}/lease`, { json: { owner: "a" } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: "leased",
      trial: { sweepId: id, index: 0, attempt: 1, command: ["node", "trial.cjs"], leaseMs: 60000 },
    });
    const second = await server.call("POST", `/api/v1/sweeps/${id}/lease`, {
      json: { owner: "b" },
    });
    expect(second.body).toEqual({ status: "wait", retryAfterMs: 1000 });
    const renew = await server.call("POST", `/api/v1/sweeps/${id}/trials/0/renew`, {
      json: { attempt: 1, owner: "b" },
    });
    expect(renew.status).toBe(409);
    expect(renew.body).toEqual(
      errorBody(
        "CONFLICT",
        `trial 0 (attempt 1) of sweep ${id} is not leased to "b": the lease expired or the trial ended`,
      ),
    );
    const ok = await server.call("POST", `/api/v1/sweeps/${id}/trials/0/renew`, {
      json: { attempt: 1, owner: "a" },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ leaseExpiresAt: expect.any(Number), prune: false });
  });

  it.each([
    ["POST", "lease", { owner: "" }, 400],
    ["POST", "lease", { owner: "a", leaseMs: 5 }, 400],
    ["POST", "trials/x/renew", { attempt: 1, owner: "a" }, 400],
    ["POST", "trials/0/result", { attempt: 1, owner: "a", status: "DONE" }, 400],
  ])("refuses bad input: %s %s %j", async (method, path, json, status) => {
    const id = await createSweep();
    const res = await server.call(method, `/api/v1/sweeps/${id}/${path}`, { json });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe("BAD_REQUEST");
    expect(typeof res.body.error.message).toBe("string");
  });

  it("documents its routes in the OpenAPI document", async () => {
    const res = await server.call("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths).filter((p) => p.startsWith("/api/v1/sweeps"))).toEqual([
      "/api/v1/sweeps",
      "/api/v1/sweeps/{id}",
      "/api/v1/sweeps/{id}/lease",
      "/api/v1/sweeps/{id}/trials/{index}/renew",
      "/api/v1/sweeps/{id}/trials/{index}/result",
    ]);
  });

  it("answers 404 for a sweep that does not exist", async () => {
    const res = await server.call("GET", `/api/v1/sweeps/${"a".repeat(32)}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorBody("NOT_FOUND", `sweep "${"a".repeat(32)}" not found`));
    const lease = await server.call("POST", "/api/v1/sweeps/nope/lease", { json: { owner: "a" } });
    expect(lease.status).toBe(404);
  });
});
