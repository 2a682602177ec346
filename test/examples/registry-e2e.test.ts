import { spawnSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run.js";
import type { LineageGraph } from "../../src/sdk/models-api.js";
import { ROOT, runCli } from "../cli/run-cli.js";
import { git, RunFixture } from "../run/run-support.js";

/**
 * Issue 6 end to end, the way a team uses it: examples/python-sklearn trained
 * through `lockstep run` in a git repository, registered, promoted, served by
 * `lockstep run --kind inference --model`, retrained, promoted, rolled back.
 * At each step the lineage (CLI and API) must say which model version served
 * which inference run, from which training run, commit and dataset version.
 */

/** `python3` on PATH may be one without scikit-learn (pyenv); Debian's is the fallback. */
function pythonWithSklearn(): string | undefined {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(candidate, ["-c", "import sklearn, numpy"], { stdio: "ignore" });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

const python = pythonWithSklearn();
const fixture = new RunFixture();
let repo: string;
let home: string;

beforeAll(async () => {
  await fixture.start();
  repo = fixture.tempDir("lockstep-registry-e2e-");
  home = fixture.tempDir("lockstep-home-");
  git(repo, "init", "-q");
  for (const script of ["train.py", "predict.py"]) {
    copyFileSync(join(ROOT, "examples/python-sklearn", script), join(repo, script));
  }
  // What the scripts write stays out of the tree, so the captured commit is clean.
  writeFileSync(join(repo, ".gitignore"), "model/\n*.json\npredictions.csv\n");
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "digits classifier");
});

afterAll(async () => {
  await fixture.close();
});

const cli = async (...args: string[]) => {
  const result = await runCli(["--tracking-uri", fixture.server.url, ...args], {
    LOCKSTEP_HOME: home,
    LOCKSTEP_USER: "ada",
  });
  expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result.stdout;
};

/** Rows `from`..`to` of scikit-learn's digits as a CSV (64 pixels, then the label), added as a dataset version. */
async function addIncoming(from: number, to: number): Promise<string> {
  const dir = fixture.tempDir("lockstep-incoming-");
  const write = spawnSync(python as string, [
    "-c",
    "import sys, numpy as np\nfrom sklearn.datasets import load_digits\nd = load_digits()\na, b = int(sys.argv[1]), int(sys.argv[2])\nnp.savetxt(sys.argv[3], np.column_stack([d.data[a:b], d.target[a:b]]), fmt='%d', delimiter=',')",
    String(from),
    String(to),
    join(dir, "batch.csv"),
  ]);
  expect(write.status, write.stderr.toString()).toBe(0);
  return (
    (await cli("data", "add", "incoming", dir, "-m", `rows ${from}-${to}`)).split(" ")[0] ?? ""
  );
}

async function wrap(args: string[]): Promise<Run> {
  const result = await fixture.wrap(args, { cwd: repo, env: { LOCKSTEP_HOME: home } });
  expect(result.code, result.stderr).toBe(0);
  const run = await fixture.getRun(result.runId);
  expect(run.status).toBe("FINISHED");
  return run;
}

async function train(seed: number): Promise<Run> {
  return wrap([
    "--experiment",
    "digits-e2e",
    "--name",
    `train-seed-${seed}`,
    "--seed",
    String(seed),
    "--output",
    "model",
    "--",
    python as string,
    "train.py",
    "--out",
    "model-summary.json",
    "--model-dir",
    "model",
  ]);
}

async function infer(name: string): Promise<Run> {
  return wrap([
    "--experiment",
    "digits-e2e",
    "--name",
    name,
    "--kind",
    "inference",
    "--model",
    "models:/digits-clf@production",
    "--data",
    "incoming@latest",
    "--output",
    "predictions.csv",
    "--",
    python as string,
    "predict.py",
  ]);
}

async function lineageCli(ref: string): Promise<LineageGraph> {
  return JSON.parse(await cli("lineage", ref, "--json")) as LineageGraph;
}

async function lineageApi(ref: string): Promise<LineageGraph> {
  const response = await fetch(
    `${fixture.server.url}/api/v1/lineage?${new URLSearchParams({ ref })}`,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as LineageGraph;
}

/** For each inference run in the graph, the model version that served it. */
function servedBy(graph: Pick<LineageGraph, "edges">): Record<string, string> {
  const served: Record<string, string> = {};
  for (const e of graph.edges) {
    if (e.kind === "input" && e.from.startsWith("model:")) served[e.to] = e.from;
  }
  return served;
}

/** What a run read, as `kind:name@version`. */
function inputsOf(run: Run): string[] {
  return run.inputs.map((io) => `${io.kind}:${io.name}@${io.version}`).sort();
}

function commitOf(run: Run): string {
  const commit = (run.capture?.code as { commit?: string } | undefined)?.commit;
  if (!commit) throw new Error(`run ${run.id} captured no commit`);
  return commit;
}

describe.skipIf(python === undefined && !process.env.CI)("model registry, end to end", () => {
  it("serves, promotes and rolls back; lineage names the runs, commits and data at each step", async () => {
    if (python === undefined) throw new Error("no python3 that can import sklearn (see .ci/run)");
    const commitA = git(repo, "rev-parse", "HEAD").trim();
    expect(await addIncoming(0, 200)).toBe("v1");

    // 1. Train, register, promote, serve.
    const trainA = await train(7);
    expect(commitOf(trainA)).toBe(commitA);
    expect(
      await cli("models", "register", "digits-clf", "--run", trainA.id, "--path", "model/"),
    ).toBe("1\n");
    await cli("models", "alias", "digits-clf", "production", "1");
    const infer1 = await infer("serve-1");
    expect(infer1.kind).toBe("inference");
    expect(inputsOf(infer1)).toEqual(["dataset:incoming@v1", "model:digits-clf@1"]);
    expect(infer1.metrics.predictions).toBe(200);
    expect(infer1.metrics.accuracy).toBeGreaterThan(0.8);

    let graph = await lineageCli("models:/digits-clf@production");
    expect(graph.nodes).toEqual(
      expect.arrayContaining([
        { id: "model:digits-clf/1", type: "model_version", label: "digits-clf v1 [production]" },
        { id: `commit:${commitA}`, type: "commit", label: `${commitA.slice(0, 12)} (main)` },
      ]),
    );
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { from: `commit:${commitA}`, to: `run:${trainA.id}`, kind: "code" },
        { from: `run:${trainA.id}`, to: "model:digits-clf/1", kind: "registered" },
      ]),
    );
    expect(servedBy(graph)).toEqual({ [`run:${infer1.id}`]: "model:digits-clf/1" });

    // 2. New code and new incoming data; retrain, register v2, move the alias, serve.
    writeFileSync(join(repo, "NOTES.md"), "retrained with another seed\n");
    git(repo, "add", "NOTES.md");
    git(repo, "commit", "-q", "-m", "retrain");
    const commitB = git(repo, "rev-parse", "HEAD").trim();
    expect(await addIncoming(200, 400)).toBe("v2");
    const trainB = await train(8);
    expect(commitOf(trainB)).toBe(commitB);
    expect(
      await cli("models", "register", "digits-clf", "--run", trainB.id, "--path", "model"),
    ).toBe("2\n");
    expect(await cli("models", "alias", "digits-clf", "production", "2")).toBe(
      "digits-clf@production -> 2 (was 1)\n",
    );
    const infer2 = await infer("serve-2");
    expect(inputsOf(infer2)).toEqual(["dataset:incoming@v2", "model:digits-clf@2"]);

    // The two candidates side by side, with their training metrics.
    const versions = JSON.parse(await cli("models", "versions", "digits-clf", "--json"));
    expect(versions).toEqual([
      expect.objectContaining({ version: 2, runId: trainB.id, aliases: ["production"] }),
      expect.objectContaining({ version: 1, runId: trainA.id, aliases: [] }),
    ]);
    expect(versions[0].metrics.test_accuracy).toBe(trainB.metrics.test_accuracy);
    expect(versions[1].metrics.test_accuracy).toBe(trainA.metrics.test_accuracy);
    expect(trainA.metrics.test_accuracy).not.toBe(trainB.metrics.test_accuracy);

    // Upstream of the inference run, through the API the UI uses: v2, its run, its commit, v2 of the data.
    graph = await lineageApi(infer2.id);
    expect(graph.root).toBe(`run:${infer2.id}`);
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { from: "model:digits-clf/2", to: `run:${infer2.id}`, kind: "input" },
        { from: "dataset:incoming@v2", to: `run:${infer2.id}`, kind: "input" },
        { from: `run:${trainB.id}`, to: "model:digits-clf/2", kind: "registered" },
        { from: `commit:${commitB}`, to: `run:${trainB.id}`, kind: "code" },
      ]),
    );
    const upstreamIds = graph.nodes.map((n) => n.id);
    expect(upstreamIds).not.toContain(`run:${trainA.id}`);
    expect(upstreamIds).not.toContain("dataset:incoming@v1");

    // 3. Roll back: production is v1 again and serves the next run.
    expect(await cli("models", "rollback", "digits-clf", "production")).toBe(
      "digits-clf@production -> 1 (was 2)\n",
    );
    const infer3 = await infer("serve-3");
    expect(inputsOf(infer3)).toEqual(["dataset:incoming@v2", "model:digits-clf@1"]);

    // Which version served which run: v1 served the first and the third, v2 the second.
    graph = await lineageCli("models:/digits-clf@production");
    expect(graph.nodes).toContainEqual({
      id: "model:digits-clf/1",
      type: "model_version",
      label: "digits-clf v1 [production]",
    });
    expect(servedBy(graph)).toEqual({
      [`run:${infer1.id}`]: "model:digits-clf/1",
      [`run:${infer3.id}`]: "model:digits-clf/1",
    });
    expect(servedBy(await lineageApi("models:/digits-clf/2"))).toEqual({
      [`run:${infer2.id}`]: "model:digits-clf/2",
    });
    // The data side: v2 of the incoming rows fed the second and third runs.
    const data = await lineageApi("incoming@v2");
    expect(data.root).toBe("dataset:incoming@v2");
    expect(
      data.edges
        .filter((e) => e.from === "dataset:incoming@v2")
        .map((e) => e.to)
        .sort(),
    ).toEqual([`run:${infer2.id}`, `run:${infer3.id}`].sort());

    const text = await cli("lineage", infer3.id);
    expect(text).toMatch(/^run serve-3 \(inference, FINISHED\)\n( {3}\w+: .*\n)*upstream:\n/);
    // Under each run: what else decided its result.
    expect(text).toMatch(/^ {3}seed: \d+$/m);
    expect(text).toMatch(/^ {3}environment: python \d+\.\d+/m);
    expect(text).toContain("<- input: model version digits-clf v1 [production]");
    expect(text).toContain("<- input: dataset version incoming@v2");
    expect(text).toContain(`<- code: commit ${commitA.slice(0, 12)} (main)`);
  }, 120_000);
});
