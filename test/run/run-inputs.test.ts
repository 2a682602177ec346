import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
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
});
