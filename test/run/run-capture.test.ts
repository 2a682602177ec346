import { createHash } from "node:crypto";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunCaptureRecord } from "../../src/capture/capture-types.js";
import { git, nodeCommand, RunFixture } from "./run-support.js";

const fx = new RunFixture();
beforeAll(() => fx.start());
afterAll(() => fx.close());

const BINARY = Buffer.from([0, 1, 2, 255, 254, 0, 10, 13, 0, 128]);

/** A repository with one commit: text files, a binary file, a .gitignore. */
function makeRepo(): string {
  const dir = fx.tempDir("lockstep-repo-");
  git(dir, "init", "-q");
  writeFileSync(join(dir, "train.py"), "print('v1')\n");
  writeFileSync(join(dir, "keep.txt"), "unchanged\n");
  writeFileSync(join(dir, "gone.txt"), "to be deleted\n");
  writeFileSync(join(dir, "weights.bin"), BINARY);
  writeFileSync(join(dir, ".gitignore"), "*.log\n");
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "demo-model", version: "1.2.3" }),
  );
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "first");
  git(dir, "remote", "add", "origin", "https://alice:hunter2@example.com/team/demo.git");
  return dir;
}

/** Every file below `dir` except .git, with its bytes. */
function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.name === ".git") continue;
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path).toString("base64"));
    }
  };
  walk(dir);
  return files;
}

function captureOf(run: { capture?: Record<string, unknown> }): RunCaptureRecord {
  expect(run.capture).toBeDefined();
  return run.capture as unknown as RunCaptureRecord;
}

describe("lockstep run: code capture in real git repositories", () => {
  it("records a clean tree: commit, branch, credential-free URL, package, MLflow tags", async () => {
    const repo = makeRepo();
    const commit = git(repo, "rev-parse", "HEAD").trim();
    const result = await fx.wrap(["--name", "clean", "--", "sh", "-c", "exit 0"], { cwd: repo });
    expect(result.code).toBe(0);
    const run = await fx.getRun(result.runId);
    const { code } = captureOf(run);
    expect(code).toMatchObject({ inRepo: true, commit, branch: "main", dirty: false, diff: null });
    expect(code.repoUrl).toBe("https://example.com/team/demo.git");
    expect(code.packages).toContainEqual(
      expect.objectContaining({ name: "demo-model", version: "1.2.3" }),
    );
    expect(code.argv).toEqual(["sh", "-c", "exit 0"]);
    expect(run.tags).toMatchObject({
      "mlflow.source.git.commit": commit,
      "mlflow.source.git.branch": "main",
      "mlflow.source.git.repoURL": "https://example.com/team/demo.git",
      "mlflow.source.name": "sh",
      "mlflow.runName": "clean",
    });
    expect(JSON.stringify(run)).not.toContain("hunter2");
    expect(await fx.artifact(result.runId, "lockstep/code.patch")).toBeUndefined();
  });

  it("stores a dirty tree's changes as a patch that rebuilds the exact tree", async () => {
    const repo = makeRepo();
    writeFileSync(join(repo, "train.py"), "print('v2')\n"); // modified
    unlinkSync(join(repo, "gone.txt")); // deleted
    writeFileSync(join(repo, "added.txt"), "staged\n"); // added
    git(repo, "add", "added.txt");
    writeFileSync(join(repo, "weights.bin"), Buffer.concat([BINARY, BINARY])); // binary change
    mkdirSync(join(repo, "new"));
    writeFileSync(join(repo, "new", "untracked.py"), "x = 1\n"); // untracked
    writeFileSync(join(repo, "new", "blob.bin"), Buffer.from([0, 0, 7, 0])); // untracked binary
    writeFileSync(join(repo, "debug.log"), "ignored\n"); // ignored: not part of the code
    const result = await fx.wrap(["--", "sh", "-c", "true"], { cwd: repo });
    expect(result.code).toBe(0);
    const { code } = captureOf(await fx.getRun(result.runId));
    expect(code.dirty).toBe(true);
    const patch = await fx.artifact(result.runId, "lockstep/code.patch");
    expect(patch).toBeDefined();
    const digest = `sha256:${createHash("sha256")
      .update(patch as Buffer)
      .digest("hex")}`;
    expect(code.diff).toEqual({ digest, size: (patch as Buffer).length });

    // Rebuild: a fresh clone at the commit, plus the patch, equals the working tree.
    const clone = fx.tempDir("lockstep-clone-");
    git(clone, "clone", "-q", repo, ".");
    git(clone, "checkout", "-q", code.commit as string);
    writeFileSync(join(clone, "..", `${code.commit}.patch`), patch as Buffer);
    git(clone, "apply", "--binary", join(clone, "..", `${code.commit}.patch`));
    rmSync(join(clone, "..", `${code.commit}.patch`));
    const expected = tree(repo);
    expected.delete("debug.log");
    expect(tree(clone)).toEqual(expected);
  });

  it("records a detached HEAD without a branch", async () => {
    const repo = makeRepo();
    writeFileSync(join(repo, "keep.txt"), "second\n");
    git(repo, "commit", "-q", "-am", "second");
    const first = git(repo, "rev-parse", "HEAD~1").trim();
    git(repo, "checkout", "-q", "--detach", first);
    const result = await fx.wrap(["--", "true"], { cwd: repo });
    const run = await fx.getRun(result.runId);
    const { code } = captureOf(run);
    expect(code).toMatchObject({ commit: first, branch: null, detached: true, dirty: false });
    expect(run.tags["mlflow.source.git.commit"]).toBe(first);
    expect(run.tags["mlflow.source.git.branch"]).toBeUndefined();
  });

  it("outside a repository records that and still runs the command", async () => {
    const dir = fx.tempDir();
    writeFileSync(join(dir, "requirements.txt"), "numpy==1.26.4\n");
    const result = await fx.wrap(["--", "sh", "-c", "echo ran"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("ran\n");
    const run = await fx.getRun(result.runId);
    const { code } = captureOf(run);
    expect(code).toMatchObject({ inRepo: false, commit: null, dirty: false });
    expect(code.lockfiles.map((l) => l.file)).toContain("requirements.txt");
    expect(run.tags["mlflow.source.git.commit"]).toBeUndefined();
    expect(statSync(dir).isDirectory()).toBe(true);
  });
});

describe("lockstep run: seed, params, tags and the command's variables", () => {
  it("hands the command its run, seed, params and determinism settings, and records them", async () => {
    const dir = fx.tempDir();
    const dump = `require("node:fs").writeFileSync("env.json", JSON.stringify(process.env))`;
    const result = await fx.wrap(
      [
        "--experiment",
        "digits",
        "--name",
        "baseline",
        "--seed",
        "7",
        "--param",
        "C=0.5",
        "--param",
        "expr=a=b",
        "--tag",
        "team=vision",
        "--kind",
        "eval",
        "--",
        ...nodeCommand(dump),
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    const env = JSON.parse(readFileSync(join(dir, "env.json"), "utf8")) as Record<string, string>;
    const run = await fx.getRun(result.runId);
    expect(env).toMatchObject({
      LOCKSTEP_TRACKING_URI: fx.server.url,
      LOCKSTEP_RUN_ID: run.id,
      LOCKSTEP_SEED: "7",
      PYTHONHASHSEED: "7",
      CUBLAS_WORKSPACE_CONFIG: ":4096:8",
      MLFLOW_TRACKING_URI: fx.server.url,
      MLFLOW_RUN_ID: run.id,
      MLFLOW_EXPERIMENT_ID: run.experimentId,
    });
    expect(JSON.parse(env.LOCKSTEP_PARAMS as string)).toEqual({ C: "0.5", expr: "a=b" });
    expect(env.LOCKSTEP_METRICS_FILE).toMatch(/metrics\.jsonl$/);
    expect(run).toMatchObject({ name: "baseline", kind: "eval", status: "FINISHED" });
    expect(run.params).toEqual({ C: "0.5", expr: "a=b", seed: "7" });
    expect(run.tags).toMatchObject({ team: "vision", "lockstep.seed": "7" });
    const capture = captureOf(run);
    expect(capture.seed).toMatchObject({ root: 7, source: "given", algorithm: "lockstep-seed-v1" });
    expect(capture.seed.determinismEnv).toMatchObject({
      PYTHONHASHSEED: "7",
      TF_DETERMINISTIC_OPS: "1",
    });
  });

  it("draws a seed when none is given, and records it as drawn", async () => {
    const a = await fx.wrap(["--", "true"]);
    const b = await fx.wrap(["--", "true"]);
    const [runA, runB] = [await fx.getRun(a.runId), await fx.getRun(b.runId)];
    const seedA = captureOf(runA).seed;
    expect(seedA.source).toBe("drawn");
    expect(runA.params.seed).toBe(String(seedA.root));
    expect(seedA.determinismEnv.PYTHONHASHSEED).toBe(String(seedA.root));
    expect(runB.params.seed).not.toBe(runA.params.seed);
  });

  it("nests a run under --parent in the parent's experiment", async () => {
    const parent = await fx.wrap(["--experiment", "sweeps", "--", "true"]);
    const child = await fx.wrap(["--experiment", "sweeps", "--parent", parent.runId, "--", "true"]);
    const run = await fx.getRun(child.runId);
    expect(run.parentId).toBe(parent.runId);
    const response = await fetch(`${fx.server.url}/api/v1/runs/${parent.runId}/children`);
    const { runs } = (await response.json()) as { runs: Array<{ id: string }> };
    expect(runs.map((r) => r.id)).toEqual([child.runId]);
  });

  it("refuses a --parent that does not exist without running the command", async () => {
    const dir = fx.tempDir();
    const result = await fx.wrap(["--parent", "0".repeat(32), "--", "sh", "-c", "touch ran"], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: /m);
    expect(readdirSync(dir)).toEqual([]);
  });
});
