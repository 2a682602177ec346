import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NodeLockstepApi } from "../../src/cli/run/node-http-client.js";
import { LockstepApi } from "../../src/sdk/api-client.js";
import { LockstepApiError } from "../../src/sdk/lockstep-api-error.js";
import { closedPort, startTestServer, type TestServer } from "../sdk/test-server.js";

// `lockstep run` talks to the server through NodeLockstepApi once its command
// runs; these check that it answers exactly as the fetch-based client does,
// and that it never loads fetch for a write.

let server: TestServer;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** The LockstepApiError `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<LockstepApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LockstepApiError);
  return error as LockstepApiError;
}

/** Makes any use of fetch fail the test. */
function forbidFetch(): void {
  globalThis.fetch = () => {
    throw new Error("fetch was used");
  };
}

describe("NodeLockstepApi", () => {
  it("sends writes over node:http, with and without a body, and returns the server's answer", async () => {
    const api = new NodeLockstepApi({ baseUrl: server.url });
    forbidFetch();
    const run = await api.createRun({ experimentName: "node-http", params: { lr: "0.1" } });
    await api.http.json({
      method: "POST",
      path: `/api/v1/runs/${run.id}/batch`,
      body: JSON.stringify({ metrics: [{ key: "loss", value: 0.5, step: 1, timestamp: 1 }] }),
    });
    await api.updateRun(run.id, { status: "FINISHED", endTime: run.startTime + 1 });
    // Reads and deletes, which the wrapper does not make, still go through fetch.
    globalThis.fetch = realFetch;
    await api.http.json({ method: "DELETE", path: `/api/v1/runs/${run.id}` });
    forbidFetch();
    // A POST without a body must not claim a JSON one, which the server refuses.
    const restored = await api.http.json<{ run: { lifecycleStage: string } }>({
      method: "POST",
      path: `/api/v1/runs/${run.id}/restore`,
    });
    expect(restored.run.lifecycleStage).toBe("active");
    globalThis.fetch = realFetch;

    const stored = await new LockstepApi({ baseUrl: server.url }).getRun(run.id);
    expect(stored.status).toBe("FINISHED");
    expect(stored.params).toEqual({ lr: "0.1" });
    expect(stored.metrics).toEqual({ loss: 0.5 });
  });

  it("turns a refusal into the server's error and an absent server into status 0", async () => {
    const api = new NodeLockstepApi({ baseUrl: server.url });
    forbidFetch();
    const refused = await failure(api.updateRun("0".repeat(32), { status: "FAILED" }));
    expect(refused.status).toBe(404);
    expect(refused.retryable).toBe(false);

    const away = new NodeLockstepApi({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    const unreachable = await failure(away.http.once({ method: "PATCH", path: "/x", body: {} }));
    expect(unreachable.status).toBe(0);
    expect(unreachable.retryable).toBe(true);
    expect(unreachable.message).toMatch(/cannot reach the tracking server .*connection refused/);
  });
});
