import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../sdk/test-server.js";
import { nodeCommand, RunFixture } from "./run-support.js";

const fx = new RunFixture();
beforeAll(() => fx.start());
afterAll(() => fx.close());

describe("lockstep run: exit codes and run status", () => {
  it("exits 0 and ends the run FINISHED, with the command's output shown live", async () => {
    const result = await fx.wrap(["--", "sh", "-c", "echo out; echo err >&2"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("out\n");
    expect(result.stderr).toContain("err\n");
    expect(result.stderr).toMatch(/^lockstep: run [0-9a-f]{32}$/m);
    const run = await fx.getRun(result.runId);
    expect(run.status).toBe("FINISHED");
    expect(run.endTime).toBeGreaterThanOrEqual(run.startTime);
    expect(run.tags["lockstep.exit.code"]).toBe("0");
  });

  it("passes a non-zero exit code on and ends the run FAILED with the reason", async () => {
    const result = await fx.wrap(["--", "sh", "-c", "exit 3"]);
    expect(result.code).toBe(3);
    const run = await fx.getRun(result.runId);
    expect(run.status).toBe("FAILED");
    expect(run.tags["lockstep.exit.code"]).toBe("3");
    expect(run.tags["lockstep.exit.reason"]).toBe("exit code 3");
  });

  it("exits 127 for a command that does not exist, like a shell, and records why", async () => {
    const result = await fx.wrap(["--", "no-such-command-xyz", "--flag"]);
    expect(result.code).toBe(127);
    expect(result.stderr).toContain("lockstep: command not found: no-such-command-xyz");
    const run = await fx.getRun(result.runId);
    expect(run.status).toBe("FAILED");
    expect(run.tags["lockstep.exit.reason"]).toBe("command not found: no-such-command-xyz");
  });

  it("exits 126 for a file that is not executable", async () => {
    const dir = fx.tempDir();
    writeFileSync(join(dir, "script.sh"), "#!/bin/sh\necho never\n");
    chmodSync(join(dir, "script.sh"), 0o644);
    const result = await fx.wrap(["--", "./script.sh"], { cwd: dir });
    expect(result.code).toBe(126);
    expect(result.stdout).toBe("");
    const run = await fx.getRun(result.runId);
    expect(run.status).toBe("FAILED");
    expect(run.tags["lockstep.exit.reason"]).toBe("permission denied: ./script.sh");
  });

  it("exits 128 + N when the command dies of signal N", async () => {
    const result = await fx.wrap(["--", "sh", "-c", "kill -KILL $$"]);
    expect(result.code).toBe(137);
    const run = await fx.getRun(result.runId);
    expect(run.status).toBe("FAILED");
    expect(run.tags["lockstep.exit.signal"]).toBe("SIGKILL");
    expect(run.tags["lockstep.exit.reason"]).toBe("killed by SIGKILL");
  });

  it("forwards SIGTERM to the command, waits for it to stop, and ends the run KILLED", async () => {
    const dir = fx.tempDir();
    const marker = join(dir, "stopped");
    // Traps TERM, cleans up (writes a marker) and exits with its own code.
    const script = `
      const fs = require("node:fs");
      process.on("SIGTERM", () => { setTimeout(() => { fs.writeFileSync(${JSON.stringify(marker)}, "ok"); process.exit(5); }, 200); });
      console.log("ready");
      setInterval(() => {}, 1000);`;
    const result = await fx.wrap(["--", ...nodeCommand(script)], {
      cwd: dir,
      onStart: (child) => {
        child.stdout?.on("data", (d: Buffer) => {
          if (d.toString().includes("ready")) child.kill("SIGTERM");
        });
      },
    });
    expect(existsSync(marker)).toBe(true);
    expect(result.code).toBe(5);
    const run = await fx.getRun(result.runId);
    expect(run.status).toBe("KILLED");
    expect(run.tags["lockstep.exit.reason"]).toBe("interrupted by SIGTERM (exit code 5)");
  });

  it("kills the command's process group when it ignores SIGINT past the grace period", async () => {
    const dir = fx.tempDir();
    // The command and a grandchild (its own sleep) both outlive a polite signal.
    const script = `
      process.on("SIGINT", () => {});
      const sleeper = require("node:child_process").spawn("sleep", ["30"], { stdio: "ignore" });
      require("node:fs").writeFileSync("grandchild.pid", String(sleeper.pid));
      console.log("ready");
      setInterval(() => {}, 1000);`;
    const started = Date.now();
    const result = await fx.wrap(["--", ...nodeCommand(script)], {
      cwd: dir,
      env: { LOCKSTEP_KILL_GRACE_MS: "300" },
      onStart: (child) => {
        child.stdout?.on("data", (d: Buffer) => {
          if (d.toString().includes("ready")) child.kill("SIGINT");
        });
      },
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(137);
    const run = await fx.getRun(result.runId);
    expect(run.status).toBe("KILLED");
    const grandchild = Number(readFileSync(join(dir, "grandchild.pid"), "utf8"));
    expect(() => process.kill(grandchild, 0)).toThrow(/ESRCH/);
  });
});

describe("lockstep run: refusals", () => {
  it("refuses --data and --model that do not resolve: one error line, no run, no command", async () => {
    const dir = fx.tempDir();
    const data = await fx.wrap(["--data", "digits@v1", "--", "sh", "-c", "touch ran"], {
      cwd: dir,
    });
    expect(data.code).toBe(1);
    expect(data.stderr).toMatch(/^error: .*digits.*\n$/);
    expect(data.runId).toBe("");
    const model = await fx.wrap(["--model", "models:/m/1", "--", "sh", "-c", "touch ran"], {
      cwd: dir,
    });
    expect(model.code).toBe(1);
    expect(model.stderr).toMatch(/^error: .*\bm\b.*\n$/);
    expect(model.runId).toBe("");
    expect(existsSync(join(dir, "ran"))).toBe(false);
  });

  it("treats a malformed --param, --seed or --kind as a usage error (exit 2)", async () => {
    expect((await fx.wrap(["--param", "novalue", "--", "true"])).code).toBe(2);
    expect((await fx.wrap(["--seed", "-1", "--", "true"])).code).toBe(2);
    expect((await fx.wrap(["--seed", "4294967296", "--", "true"])).code).toBe(2);
    expect((await fx.wrap(["--kind", "sleep", "--", "true"])).code).toBe(2);
    expect((await fx.wrap([])).code).toBe(2);
  });

  it("fails with exit 1 and does not start the command when the server is unreachable", async () => {
    const dir = fx.tempDir();
    const port = await closedPort();
    const result = await fx.wrap(
      ["--tracking-uri", `http://127.0.0.1:${port}`, "--", "sh", "-c", "touch ran"],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: cannot reach the tracking server at .*connection refused/m,
    );
    expect(existsSync(join(dir, "ran"))).toBe(false);
  });
});
