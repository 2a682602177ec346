import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lockstep, LockstepApiError } from "../../src/index.js";
import { closedPort, startTestServer, type TestServer } from "./test-server.js";

let server: TestServer;
let scratch: string;
let ls: Lockstep;

beforeAll(async () => {
  server = await startTestServer();
  scratch = mkdtempSync(join(tmpdir(), "lockstep-sdk-scratch-"));
  ls = new Lockstep({ trackingUri: server.url, spoolDir: join(scratch, "spool") });
});

afterAll(async () => {
  await ls.close({ timeoutMs: 1000 });
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("startRun", () => {
  it("creates the run with its experiment, name, kind, params, tags and seed", async () => {
    const run = await ls.startRun({
      experiment: "digits",
      name: "baseline",
      seed: 7,
      kind: "eval",
      params: { lr: 0.01, deep: true, opt: "adam" },
      tags: { team: "vision" },
    });
    expect(run.id).toMatch(/^[0-9a-f]{32}$/);
    expect(run.seed).toBe(7);
    const stored = await ls.getRun(run.id);
    const experiment = await ls.api.getExperimentByName("digits");
    expect(stored).toMatchObject({
      experimentId: experiment.id,
      name: "baseline",
      kind: "eval",
      status: "RUNNING",
      parentId: null,
      params: { lr: "0.01", deep: "true", opt: "adam", seed: "7" },
    });
    expect(stored.tags.team).toBe("vision");
    await run.end();
  });

  it("draws a 32-bit seed when none is given and records it", async () => {
    const run = await ls.startRun({});
    expect(Number.isInteger(run.seed) && run.seed >= 0 && run.seed < 2 ** 32).toBe(true);
    expect((await ls.getRun(run.id)).params.seed).toBe(String(run.seed));
    expect(run.experimentId).toBe("0");
    await run.end();
  });

  it("rejects a bad seed before calling the server", async () => {
    await expect(ls.startRun({ seed: -1 })).rejects.toThrow(/seed must be a non-negative integer/);
    await expect(ls.startRun({ seed: 1.5 })).rejects.toThrow(TypeError);
  });

  it("surfaces the server's error for a parent that does not exist", async () => {
    const error = await ls.startRun({ parent: "f".repeat(32) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockstepApiError);
    expect((error as LockstepApiError).status).toBe(404);
    expect((error as LockstepApiError).code).toBe("NOT_FOUND");
  });

  it("reports an unreachable server with the cause kept", async () => {
    const port = await closedPort();
    const offline = new Lockstep({ trackingUri: `http://127.0.0.1:${port}`, spoolDir: scratch });
    const error = (await offline.startRun({}).catch((e: unknown) => e)) as LockstepApiError;
    expect(error).toBeInstanceOf(LockstepApiError);
    expect(error).toMatchObject({ status: 0, code: "UNAVAILABLE" });
    expect(error.message).toBe(
      `cannot reach the tracking server at http://127.0.0.1:${port} (connection refused)`,
    );
    expect(error.cause).toBeInstanceOf(Error);
    await offline.close({ timeoutMs: 10 });
  });
});

describe("logging metrics", () => {
  it("stores every point exactly, across many batches, NaN and ±Infinity included", async () => {
    const small = new Lockstep({
      trackingUri: server.url,
      spoolDir: join(scratch, "spool"),
      maxBatch: 1000,
    });
    const run = await small.startRun({ experiment: "metrics" });
    for (let step = 0; step < 2500; step++) run.logMetric("loss", 1 / (step + 1), step);
    run.logMetric("odd", Number.NaN);
    run.logMetric("odd", Number.POSITIVE_INFINITY, 1);
    run.logMetric("odd", Number.NEGATIVE_INFINITY, 2);
    run.logMetrics({ acc: 0.5, "f1/val": 0.25 }, 3);
    const result = await run.end();
    expect(result).toMatchObject({ complete: true, inMemory: 0, spooled: 0 });

    const loss = await small.api.metricHistory(run.id, "loss");
    expect(loss).toHaveLength(2500);
    expect(loss.map((p) => p.step)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(loss.every((p) => p.value === 1 / (p.step + 1))).toBe(true);
    const odd = await small.api.metricHistory(run.id, "odd");
    expect(odd.map((p) => [p.step, p.value])).toEqual([
      [0, Number.NaN],
      [1, Number.POSITIVE_INFINITY],
      [2, Number.NEGATIVE_INFINITY],
    ]);
    const stored = await small.getRun(run.id);
    expect(stored.status).toBe("FINISHED");
    expect(stored.endTime).toBeGreaterThanOrEqual(stored.startTime);
    expect(stored.metrics).toMatchObject({ acc: 0.5, "f1/val": 0.25 });
    await small.close();
  });

  it("sends in the background without flush(), within the flush interval", async () => {
    const fast = new Lockstep({
      trackingUri: server.url,
      spoolDir: join(scratch, "spool"),
      flushIntervalMs: 50,
    });
    const run = await fast.startRun({});
    run.logMetric("loss", 0.42, 3);
    await expect
      .poll(async () => (await fast.api.metricHistory(run.id, "loss")).length, { timeout: 3000 })
      .toBe(1);
    await run.end();
    await fast.close();
  });

  it("refuses bad input at the call", async () => {
    const run = await ls.startRun({});
    expect(() => run.logMetric("bad key!", 1)).toThrow(/invalid metric key 'bad key!'/);
    expect(() => run.logMetric("k".repeat(251), 1)).toThrow(/invalid metric key/);
    expect(() => run.logMetric("loss", 1, 1.5)).toThrow(/step must be an integer/);
    expect(() => run.logMetric("loss", "1" as unknown as number)).toThrow(/must be a number/);
    await run.end("KILLED");
    expect(() => run.logMetric("loss", 1)).toThrow(/has ended/);
    expect((await ls.getRun(run.id)).status).toBe("KILLED");
  });
});

describe("params and tags", () => {
  it("sends params and tags; params are write-once", async () => {
    const run = await ls.startRun({ params: { lr: 0.1 } });
    run.logParams({ depth: 4, lr: 0.1 });
    run.setTag("note", "first");
    run.setTag("note", "second");
    const conflict = (() => {
      try {
        run.logParam("lr", 0.2);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(conflict).toBeInstanceOf(LockstepApiError);
    expect(conflict).toMatchObject({ status: 409, code: "CONFLICT" });
    await run.flush();
    const stored = await ls.getRun(run.id);
    expect(stored.params).toMatchObject({ lr: "0.1", depth: "4" });
    expect(stored.tags.note).toBe("second");
    await run.end();
  });

  it("throws what the server refused on flush(), once, and keeps the other batches", async () => {
    const run = await ls.startRun({});
    run.setTag("huge", "x".repeat(9000));
    await run.flush().catch(() => {});
    run.logMetric("loss", 1);
    run.setTag("huge", "y".repeat(9000));
    const error = (await run.flush().catch((e: unknown) => e)) as LockstepApiError;
    expect(error).toBeInstanceOf(LockstepApiError);
    expect(error.status).toBe(400);
    expect(error.code).toBe("BAD_REQUEST");
    await expect(run.flush()).resolves.toMatchObject({ complete: true });
    expect(await ls.api.metricHistory(run.id, "loss")).toHaveLength(1);
    await run.end();
  });
});

describe("nested runs and artifacts", () => {
  it("starts a child in the parent's experiment", async () => {
    const parent = await ls.startRun({ experiment: "nested" });
    const child = await parent.child({ name: "fold-1", seed: 3 });
    const stored = await ls.getRun(child.id);
    expect(stored).toMatchObject({
      parentId: parent.id,
      experimentId: parent.experimentId,
      name: "fold-1",
    });
    expect(child.seed).toBe(3);
    await child.end();
    await parent.end();
  });

  it("streams a file up and the server gives back the same bytes", async () => {
    const run = await ls.startRun({});
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const file = join(scratch, "model.bin");
    writeFileSync(file, bytes);
    const artifact = await run.logArtifact(file, "model/weights v1.bin");
    expect(artifact).toMatchObject({
      path: "model/weights v1.bin",
      size: bytes.length,
      digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`,
    });
    const response = await fetch(
      `${server.url}/api/v1/runs/${run.id}/artifacts/model/weights%20v1.bin`,
    );
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await run.logArtifact(file)).path).toBe("model.bin");
    await expect(run.logArtifact(join(scratch, "missing"))).rejects.toThrow(/ENOENT/);
    await expect(run.logArtifact(file, "../escape")).rejects.toThrow(/invalid artifact path/);
    await expect(run.logArtifact(file, "/abs")).rejects.toThrow(/invalid artifact path/);
    await run.end();
  });
});
