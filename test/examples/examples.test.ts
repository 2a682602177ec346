import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lockstep } from "../../src/index.js";
import { ROOT, runCli } from "../cli/run-cli.js";
import { startTestServer, type TestServer } from "../sdk/test-server.js";

/**
 * The examples of issue 3, run the way a user runs them: through the built
 * `lockstep run`, against a real server, twice with one seed and once with
 * another. Same seed: bit-identical metrics and model; other seed: other ones.
 */

let server: TestServer;
let scratch: string;
let ls: Lockstep;

beforeAll(async () => {
  server = await startTestServer();
  scratch = mkdtempSync(join(tmpdir(), "lockstep-examples-"));
  ls = new Lockstep({ trackingUri: server.url, spoolDir: join(scratch, "spool") });
});

afterAll(async () => {
  await ls.close({ timeoutMs: 1000 });
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** `python3` on PATH may be one without scikit-learn (pyenv); Debian's is the fallback. */
function pythonWithSklearn(): string | undefined {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(candidate, ["-c", "import sklearn, numpy"], { stdio: "ignore" });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

type ExampleRun = {
  runId: string;
  /** Per metric key, the history as `step:bits-of-the-float64` strings. */
  metrics: Record<string, string[]>;
  summary: Record<string, unknown>;
};

function bits(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16);
}

let counter = 0;

async function runExample(
  experiment: string,
  seed: number,
  command: (out: string) => string[],
  keys: string[],
): Promise<ExampleRun> {
  const dir = join(scratch, `run-${++counter}`);
  mkdirSync(dir);
  const out = join(dir, "model-summary.json");
  const result = await runCli([
    "--tracking-uri",
    server.url,
    "run",
    "--experiment",
    experiment,
    "--seed",
    String(seed),
    "--output",
    out,
    "--",
    ...command(out),
  ]);
  expect(result.code, result.stderr).toBe(0);
  const runId = /lockstep: run ([0-9a-f]{32})/.exec(result.stderr)?.[1];
  if (runId === undefined) throw new Error(`no run id in: ${result.stderr}`);

  const run = await ls.getRun(runId);
  expect(run.status).toBe("FINISHED");
  expect(run.tags["lockstep.seed"]).toBe(String(seed));
  expect(run.capture?.seed).toMatchObject({ root: seed, source: "given" });

  const metrics: Record<string, string[]> = {};
  for (const key of keys) {
    const points = await ls.api.metricHistory(runId, key);
    metrics[key] = points.map((p) => `${p.step}:${bits(p.value)}`);
  }
  const response = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/model-summary.json`);
  expect(response.status).toBe(200);
  const summary = (await response.json()) as Record<string, unknown>;
  return { runId, metrics, summary };
}

function expectReproducible(
  first: ExampleRun,
  again: ExampleRun,
  other: ExampleRun,
  steps: number,
  digestKey: string,
) {
  for (const [key, history] of Object.entries(first.metrics)) {
    expect(history, key).toHaveLength(steps);
    expect(again.metrics[key], key).toEqual(history);
  }
  expect(again.summary).toEqual(first.summary);
  // Another seed: another split and model, so other numbers somewhere in every run.
  expect(other.metrics).not.toEqual(first.metrics);
  expect(other.summary[digestKey]).not.toBe(first.summary[digestKey]);
  expect(new Set([first.runId, again.runId, other.runId]).size).toBe(3);
}

const python = pythonWithSklearn();

describe.skipIf(python === undefined && !process.env.CI)("examples/python-sklearn", () => {
  it("gives bit-identical metrics for the same seed and other ones for another", async () => {
    if (python === undefined) throw new Error("no python3 that can import sklearn (see .ci/run)");
    const script = join(ROOT, "examples/python-sklearn/train.py");
    const keys = ["train_loss", "train_accuracy", "test_accuracy"];
    const command = (out: string) => [python, script, "--out", out];
    const first = await runExample("digits", 7, command, keys);
    const again = await runExample("digits", 7, command, keys);
    const other = await runExample("digits", 8, command, keys);
    expectReproducible(first, again, other, 8, "coef_sha256");
    expect(first.summary).toMatchObject({ seed: 7, train_size: 1347, test_size: 450 });
  }, 120_000);
});

describe("examples/typescript", () => {
  it("gives bit-identical metrics for the same seed and other ones for another", async () => {
    const script = join(ROOT, "examples/typescript/train.ts");
    const keys = ["train_accuracy", "test_accuracy", "test_vote_share"];
    const command = (out: string) => [process.execPath, "--import", "tsx", script, "--out", out];
    const first = await runExample("iris", 7, command, keys);
    const again = await runExample("iris", 7, command, keys);
    const other = await runExample("iris", 8, command, keys);
    expectReproducible(first, again, other, 15, "modelSha256");
    expect(first.summary).toMatchObject({ seed: 7, trainSize: 105, testSize: 45 });
  }, 120_000);
});
