import { type ChildProcess, execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "../cli/run-cli.js";
import { RunFixture } from "./run-support.js";

const fx = new RunFixture();
beforeAll(() => fx.start());
afterAll(() => fx.close());

// The server runs in this process: the CLI must not block its event loop.
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [CLI, "--tracking-uri", fx.server.url, ...args],
    { encoding: "utf8", env: { ...process.env, LOCKSTEP_HOME: fx.tempDir("lockstep-home-") } },
  );
  return stdout;
}

describe("lockstep run --data and --model", () => {
  it("hands the command the dataset version's files and records it as a training input", async () => {
    const folder = fx.tempDir();
    mkdirSync(join(folder, "sub"));
    writeFileSync(join(folder, "sub", "rows.csv"), "a,b\n1,2\n");
    await cli("data", "add", "digits-in", folder, "-m", "first");
    writeFileSync(join(folder, "sub", "rows.csv"), "a,b\n1,2\n3,4\n");
    await cli("data", "add", "digits-in", folder, "-m", "second");

    const result = await fx.wrap([
      "--data",
      "digits-in@v1",
      "--",
      "sh",
      "-c",
      'cat "$LOCKSTEP_DATA_DIGITS_IN/sub/rows.csv"',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("a,b\n1,2\n");
    const run = await fx.getRun(result.runId);
    expect(run.inputs).toEqual([
      expect.objectContaining({
        kind: "dataset",
        name: "digits-in",
        version: "v1",
        context: "training",
      }),
    ]);
  });

  it("fails with one error line and creates no run for an unknown dataset", async () => {
    const result = await fx.wrap(["--data", "no-such-data@v1", "--", "true"]);
    expect(result.code).toBe(1);
    expect(result.runId).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^error: .*no-such-data/),
    ]);
  });

  it("downloads the model version into LOCKSTEP_MODEL_DIR and records it as an input", async () => {
    const train = await fx.wrap([
      "--output",
      "model",
      "--",
      "sh",
      "-c",
      "mkdir -p model && echo weights-1 > model/weights.txt",
    ]);
    expect(train.code).toBe(0);
    const version = (
      await cli("models", "register", "clf-in", "--run", train.runId, "--path", "model")
    ).trim();
    await cli("models", "alias", "clf-in", "production", version);

    const infer = await fx.wrap([
      "--kind",
      "inference",
      "--model",
      "models:/clf-in@production",
      "--",
      "sh",
      "-c",
      'cat "$LOCKSTEP_MODEL_DIR"/weights.txt',
    ]);
    expect(infer.code).toBe(0);
    expect(infer.stdout).toBe("weights-1\n");
    const run = await fx.getRun(infer.runId);
    expect(run.kind).toBe("inference");
    expect(run.inputs).toEqual([
      expect.objectContaining({ kind: "model", name: "clf-in", version, context: "inference" }),
    ]);
  });

  it("ends the run KILLED when interrupted after the run exists but before the command starts", async () => {
    const folder = fx.tempDir();
    writeFileSync(join(folder, "rows.csv"), "a\n1\n");
    await cli("data", "add", "early-signal", folder);
    const dir = fx.tempDir();
    let wrapper: ChildProcess | undefined;
    // The wrapper records its inputs after creating the run and before starting
    // the command: the proxy interrupts it right then, and answers late.
    const proxy = await holdingProxy(fx.server.url, /\/io$/, () => wrapper?.kill("SIGINT"));
    try {
      const result = await fx.wrap(["--data", "early-signal", "--", "sh", "-c", "touch ran"], {
        cwd: dir,
        trackingUri: proxy.url,
        onStart: (child) => {
          wrapper = child;
        },
      });
      expect(result.code).toBe(130);
      expect(existsSync(join(dir, "ran"))).toBe(false);
      const run = await fx.getRun(result.runId);
      expect(run.status).toBe("KILLED");
      expect(run.endTime).toBeGreaterThanOrEqual(run.startTime);
      expect(run.tags["lockstep.exit.reason"]).toBe(
        "interrupted by SIGINT before the command started",
      );
    } finally {
      await proxy.close();
    }
  });
});

/**
 * Forwards requests to `target`; one whose path matches `hold` first calls
 * `onHold`, then is forwarded 300 ms later.
 */
async function holdingProxy(
  target: string,
  hold: RegExp,
  onHold: () => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const forward = () => {
      const upstream = request(
        new URL(req.url ?? "/", target),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    };
    if (hold.test(new URL(req.url ?? "/", target).pathname)) {
      onHold();
      setTimeout(forward, 300);
    } else {
      forward();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
