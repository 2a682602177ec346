import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lockstep } from "../../src/index.js";
import { startTestServer, type TestServer } from "./test-server.js";

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), "fixtures/log-then-exit.ts");
const POINTS = 25_000;

let server: TestServer;
let scratch: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startTestServer();
  scratch = mkdtempSync(join(tmpdir(), "lockstep-exit-"));
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

function spawnFixture(
  spoolDir: string,
  mode: string,
): { child: ChildProcess; runId: Promise<string> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", FIXTURE, server.url, spoolDir, mode, String(POINTS)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(child);
  const runId = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /run ([0-9a-f]{32})\n/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", () => reject(new Error(`fixture exited before starting a run: ${out}`)));
  });
  return { child, runId };
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else child.once("exit", (code, signal) => resolve({ code, signal }));
  });

async function lossSteps(ls: Lockstep, runId: string): Promise<number[]> {
  return (await ls.api.metricHistory(runId, "loss")).map((p) => p.step);
}

describe("at process exit", () => {
  it("sends what is buffered when a script ends without run.end()", async () => {
    const spoolDir = join(scratch, "forget");
    const { child, runId } = spawnFixture(spoolDir, "forget-end");
    const id = await runId;
    expect(await exited(child)).toEqual({ code: 0, signal: null });
    const ls = new Lockstep({ trackingUri: server.url, spoolDir });
    const steps = await lossSteps(ls, id);
    expect(steps).toEqual(Array.from({ length: POINTS }, (_, i) => i));
    await ls.close();
  });

  it("spools on SIGTERM, dies by the signal, and the next client sends the points once", async () => {
    const spoolDir = join(scratch, "sigterm");
    const { child, runId } = spawnFixture(spoolDir, "wait-for-signal");
    const id = await runId;
    child.kill("SIGTERM");
    expect(await exited(child)).toEqual({ code: null, signal: "SIGTERM" });
    expect(readdirSync(spoolDir).filter((f) => f.endsWith(".req")).length).toBeGreaterThan(0);

    const ls = new Lockstep({ trackingUri: server.url, spoolDir });
    expect(await ls.drainSpool({ timeoutMs: 10_000 })).toMatchObject({
      complete: true,
      spooled: 0,
    });
    expect(await lossSteps(ls, id)).toEqual(Array.from({ length: POINTS }, (_, i) => i));
    // Draining twice sends nothing twice.
    expect(await ls.drainSpool()).toMatchObject({ complete: true });
    expect(await lossSteps(ls, id)).toHaveLength(POINTS);
    await ls.close();
  });
});

describe("while the server is down", () => {
  it("end() reports what is spooled; a later client delivers it when the server is back", async () => {
    const spoolDir = join(scratch, "outage");
    const ls = new Lockstep({ trackingUri: server.url, spoolDir, spoolAfterMs: 200 });
    const run = await ls.startRun({ name: "outage" });
    run.logMetric("loss", 1, 0);
    await run.flush();
    await server.stop();

    for (let step = 1; step < 5000; step++) run.logMetric("loss", 1, step);
    const result = await run.end("FINISHED", { timeoutMs: 1500 });
    expect(result.complete).toBe(false);
    expect(result.spooled).toBeGreaterThan(0);
    expect(result.spoolDir).toBe(spoolDir);
    await ls.close({ timeoutMs: 10 });

    await server.restart();
    const next = new Lockstep({ trackingUri: server.url, spoolDir });
    expect(await next.drainSpool({ timeoutMs: 10_000 })).toMatchObject({ complete: true });
    expect(await lossSteps(next, run.id)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect((await next.getRun(run.id)).status).toBe("FINISHED");
    await next.close();
  });
});
