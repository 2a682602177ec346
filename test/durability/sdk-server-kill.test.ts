import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { LockstepApi } from "../../src/index.js";
import { closedPort } from "../sdk/test-server.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = join(ROOT, "dist/cli/main.js");
const FIXTURE = join(ROOT, "test/durability/fixtures/log-through-outage.ts");
const STEPS = 100_000; // two metrics: 200,000 points

const scratch = mkdtempSync(join(tmpdir(), "lockstep-durability-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

/** Collects a child's stdout and resolves lines matching a pattern. */
function watch(child: ChildProcess) {
  let text = "";
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const match = waiter.pattern.exec(text);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  const stream = child.stdout ?? child.stderr;
  stream?.on("data", (d: Buffer) => {
    text += d.toString();
    check();
  });
  return {
    until(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
      return new Promise((ok, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (m) => {
            clearTimeout(timer);
            ok(m);
          },
        });
        check();
      });
    },
  };
}

function spooledFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".req"));
  } catch {
    return [];
  }
}

async function startServerProcess(port: number, home: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, "server", "--port", String(port), "--home", home], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  await watch(child).until(/lockstep server listening on /);
  return child;
}

describe("SDK against a server killed mid-run", () => {
  it("loses no point and stores none twice", async () => {
    const port = await closedPort();
    const home = join(scratch, "home");
    const spoolDir = join(scratch, "spool");
    const url = `http://127.0.0.1:${port}`;
    const api = new LockstepApi({ baseUrl: url, retries: 0 });
    let server = await startServerProcess(port, home);

    const client = spawn(
      process.execPath,
      ["--import", "tsx", FIXTURE, url, spoolDir, String(STEPS)],
      { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] },
    );
    children.push(client);
    const progress = watch(client);
    const runId = (await progress.until(/run ([0-9a-f]{32})\n/))[1] as string;

    // Kill the server once it has stored a good part, while the client is still sending.
    let acknowledged = 0;
    for (const deadline = Date.now() + 30_000; acknowledged < 20_000 && Date.now() < deadline; ) {
      acknowledged = (await api.metricHistory(runId, "loss").catch(() => [])).length;
    }
    expect(acknowledged).toBeGreaterThanOrEqual(20_000);
    server.kill("SIGKILL");
    await new Promise((ok) => server.once("exit", ok));

    // The client keeps logging into the outage, long enough to spool.
    await progress.until(/logged all\n/);
    await expect
      .poll(() => spooledFiles(spoolDir).length, { timeout: 10_000, interval: 100 })
      .toBeGreaterThan(0);

    server = await startServerProcess(port, home);
    // What the server acknowledged before the kill survived it.
    expect((await api.metricHistory(runId, "loss")).length).toBeGreaterThanOrEqual(acknowledged);

    client.stdin?.write("end\n");
    const done = JSON.parse((await progress.until(/done (.*)\n/))[1] as string);
    expect(done).toMatchObject({ complete: true, inMemory: 0, spooled: 0 });

    for (const [key, divisor] of [
      ["loss", 2],
      ["acc", 3],
    ] as const) {
      const points = await api.metricHistory(runId, key);
      expect(points.length, `${key} count`).toBe(STEPS);
      const steps = points.map((p) => p.step).sort((a, b) => a - b);
      expect(
        steps.every((s, i) => s === i),
        `${key} steps 0..${STEPS - 1} once each`,
      ).toBe(true);
      expect(
        points.every((p) => p.value === p.step / divisor),
        `${key} values`,
      ).toBe(true);
    }
    expect((await api.getRun(runId)).status).toBe("FINISHED");
    expect(spooledFiles(spoolDir)).toEqual([]);
    server.kill("SIGTERM");
  }, 60_000);
});
