import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunDiff } from "../../src/domain/reproduction/reproduction-report.js";
import type { FactorName, Factors } from "../../src/domain/reproduction/reproduction-types.js";
import { git, RunFixture } from "../run/run-support.js";
import { deleteStoredBlob } from "../support/stored-blob.js";
import { lockstep, makeRepo, PYTHON, reportOf, TRAIN_PY } from "./reproduce-support.js";

/**
 * `lockstep reproduce` and `lockstep diff` end to end: real git repositories,
 * a real server, the built CLI and real Python scripts. Each case perturbs
 * one thing and checks the verdict, the exit code and the factor named.
 */

const fx = new RunFixture();
let home: string;

beforeAll(async () => {
  await fx.start();
  home = fx.tempDir("lockstep-home-");
});
afterAll(() => fx.close());

const FACTORS: FactorName[] = ["code", "data", "seed", "params", "environment"];

/** Folders on PATH whose `python3` differ in version: two runtimes to tell apart. */
const pythonVersions = (() => {
  const found: Array<{ dir: string; version: string }> = [];
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const probe = spawnSync(
      join(dir, "python3"),
      ["-c", "import platform; print(platform.python_version())"],
      {
        encoding: "utf8",
      },
    );
    const version = probe.status === 0 ? probe.stdout.trim() : "";
    if (version && !found.some((f) => f.version === version)) found.push({ dir, version });
  }
  return found;
})();

function train(options: { seed?: number; lr?: string; data?: string } = {}): string[] {
  return [
    "--seed",
    String(options.seed ?? 7),
    "--param",
    `lr=${options.lr ?? "0.5"}`,
    "--output",
    "out/model.txt",
    ...(options.data ? ["--data", options.data] : []),
    "--",
    PYTHON,
    "train.py",
  ];
}

async function record(repo: string, args: string[]): Promise<string> {
  const result = await lockstep(fx, home, ["run", ...args], { cwd: repo });
  expect(result.code, result.stderr).toBe(0);
  expect(result.runId).toMatch(/^[0-9a-f]{32}$/);
  return result.runId;
}

async function reproduce(repo: string, runId: string, extra: string[] = []) {
  const result = await lockstep(fx, home, ["reproduce", runId, "--json", ...extra], { cwd: repo });
  return { code: result.code, report: reportOf(result), stderr: result.stderr };
}

async function diff(repo: string, a: string, b: string): Promise<RunDiff> {
  const result = await lockstep(fx, home, ["diff", a, b, "--json"], { cwd: repo });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as RunDiff;
}

/** The factors that differ, by name. */
function differing(report: { factors: Factors }): string[] {
  return FACTORS.filter((f) => report.factors[f] !== "same");
}

function differences(report: { factors: Factors }, factor: FactorName) {
  const value = report.factors[factor];
  return value === "same" || value === undefined ? [] : value.differs;
}

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${fx.server.url}${path}`);
  return { status: response.status, body: await response.json() };
}

describe("lockstep reproduce", () => {
  it("reproduces a clean run identically and records the reproduction on it", async () => {
    const repo = makeRepo(fx.tempDir());
    const id = await record(repo, train());
    const { code, report, stderr } = await reproduce(repo, id);
    expect(code, stderr).toBe(0);
    expect(report.verdict).toBe("identical");
    expect(differing(report)).toEqual([]);
    expect(report.metrics).toMatchObject([{ key: "w", status: "identical", points: 5 }]);
    expect(report.artifacts).toMatchObject([{ path: "model.txt", status: "identical" }]);

    const copy = await fx.getRun(report.reproduction as string);
    expect(copy.kind).toBe("reproduction");
    expect(copy.tags["lockstep.reproduction.of"]).toBe(id);
    expect(copy.tags["lockstep.reproduction.verdict"]).toBe("identical");
    // Checked out elsewhere, from the same commit.
    expect(copy.capture?.code).toMatchObject({ commit: git(repo, "rev-parse", "HEAD").trim() });
    expect((copy.capture?.code as { cwd?: string } | undefined)?.cwd).not.toBe(repo);

    const listed = await getJson(`/api/v1/runs/${id}/reproductions`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      count: 1,
      reproductions: [
        {
          runId: copy.id,
          status: "FINISHED",
          startTime: copy.startTime,
          endTime: copy.endTime,
          verdict: "identical",
          seeds: null,
        },
      ],
    });
    const shown = await lockstep(fx, home, ["runs", "show", id], { cwd: repo });
    expect(shown.stdout).toMatch(
      new RegExp(`^reproductions \\(1\\)\\n\\s+${copy.id}\\s+.+\\s+identical$`, "m"),
    );
  }, 90_000);

  it("applies the recorded uncommitted changes: identical", async () => {
    const repo = makeRepo(fx.tempDir());
    writeFileSync(join(repo, "train.py"), TRAIN_PY.replace("w += lr", "w += 3 * lr"));
    writeFileSync(join(repo, "notes.txt"), "an untracked file\n");
    const id = await record(repo, train());
    const original = await fx.getRun(id);
    expect(original.capture?.code).toMatchObject({
      dirty: true,
      diff: { digest: expect.stringMatching(/^sha256:/) },
    });
    // The working tree goes back to the commit: only the stored patch has the change.
    git(repo, "checkout", "--", "train.py");
    rmSync(join(repo, "notes.txt"));
    const workdir = join(fx.tempDir(), "checkout");
    const { code, report } = await reproduce(repo, id, ["--workdir", workdir]);
    expect(report.verdict).toBe("identical");
    expect(code).toBe(0);
    expect(differing(report)).toEqual([]);
    // The folder given is kept: the recorded commit with the patch applied.
    expect(readFileSync(join(workdir, "train.py"), "utf8")).toContain("w += 3 * lr");
    expect(readFileSync(join(workdir, "notes.txt"), "utf8")).toBe("an untracked file\n");
  }, 90_000);

  it("uses the recorded commit, not a later one; diff names code for a run of changed code", async () => {
    const repo = makeRepo(fx.tempDir());
    const first = await record(repo, train());
    writeFileSync(join(repo, "train.py"), TRAIN_PY.replace("w += lr", "w -= lr"));
    git(repo, "commit", "-qam", "change the update");
    const { code, report } = await reproduce(repo, first);
    expect(report.verdict).toBe("identical");
    expect(code).toBe(0);

    const second = await record(repo, train());
    const changed = await diff(repo, first, second);
    expect(differing(changed)).toEqual(["code"]);
    expect(differences(changed, "code").map((d) => d.item)).toEqual(["commit"]);
    expect(changed.metrics).toMatchObject([{ key: "w", status: "diverged" }]);
    const text = await lockstep(fx, home, ["diff", first, second], { cwd: repo });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^\s+code\s+differs\n\s+commit: [0-9a-f]{40} -> [0-9a-f]{40}$/m);
    expect(text.stdout).toMatch(/^\s+seed\s+same$/m);
    expect(text.stdout).toMatch(/^\s+w: diverged; first split at step 0: /m);
  }, 90_000);

  it("diff names data, seed, params and environment one at a time", async () => {
    const repo = makeRepo(fx.tempDir());
    // Ignored, so adding it changes the environment factor alone, not the code.
    writeFileSync(join(repo, ".gitignore"), "out/\nrequirements.txt\n");
    git(repo, "commit", "-qam", "ignore the lockfile");
    const data = join(fx.tempDir(), "digits");
    mkdirSync(data);
    writeFileSync(join(data, "a.bin"), "first version");
    const add = async () => {
      const r = await lockstep(fx, home, ["data", "add", "digits", data], { cwd: repo });
      expect(r.code, r.stderr).toBe(0);
    };
    await add();
    const base = await record(repo, train({ data: "digits@v1" }));
    writeFileSync(join(data, "a.bin"), "second version");
    await add();
    const cases: Array<[string, string[]]> = [
      ["data", train({ data: "digits@v2" })],
      ["seed", train({ data: "digits@v1", seed: 8 })],
      ["params", train({ data: "digits@v1", lr: "0.25" })],
    ];
    for (const [factor, args] of cases) {
      const other = await record(repo, args);
      const report = await diff(repo, base, other);
      expect(differing(report), factor).toEqual([factor]);
      expect(report.metrics[0]?.status, factor).toBe("diverged");
    }
    // The reproduction reads the recorded version by digest, not the latest one.
    const again = await reproduce(repo, base);
    expect(again.report.verdict).toBe("identical");
    const copy = await fx.getRun(again.report.reproduction as string);
    expect(copy.inputs).toEqual((await fx.getRun(base)).inputs);
    writeFileSync(join(repo, "requirements.txt"), "numpy==1.26.4\n");
    const locked = await record(repo, train({ data: "digits@v1" }));
    const report = await diff(repo, base, locked);
    expect(differing(report)).toEqual(["environment"]);
    expect(differences(report, "environment")[0]).toMatchObject({
      item: "lockfile requirements.txt",
      a: null,
      b: expect.stringMatching(/^sha256:/),
      likelihood: "high",
    });
    expect(report.metrics[0]?.status).toBe("identical");
  }, 120_000);

  it.skipIf(pythonVersions.length < 2)(
    "diff names environment, python version first, for the same command under another Python",
    async () => {
      const repo = makeRepo(fx.tempDir());
      const under = async (dir: string) => {
        const r = await lockstep(fx, home, ["run", "--seed", "7", "--", "python3", "train.py"], {
          cwd: repo,
          env: { PATH: `${dir}:${process.env.PATH ?? ""}` },
        });
        expect(r.code, r.stderr).toBe(0);
        return r.runId;
      };
      const [first, second] = pythonVersions;
      const a = await under(first?.dir as string);
      const b = await under(second?.dir as string);
      const report = await diff(repo, a, b);
      expect(differing(report)).toEqual(["environment"]);
      expect(differences(report, "environment")[0]).toMatchObject({
        item: "python version",
        a: first?.version,
        b: second?.version,
        likelihood: "high",
      });
    },
    90_000,
  );

  it("explains a divergence with every factor the same as nondeterminism", async () => {
    const repo = makeRepo(fx.tempDir());
    const id = await record(repo, ["--seed", "7", "--", PYTHON, "noisy.py"]);
    const { code, report } = await reproduce(repo, id);
    expect(report.verdict).toBe("diverged");
    expect(code).toBe(3);
    expect(differing(report)).toEqual([]);
    expect(report.metrics[0]).toMatchObject({
      key: "score",
      status: "diverged",
      firstDivergence: { step: 0 },
    });
    expect(report.nondeterminism?.summary).toMatch(/nondeterministic/);
    expect(report.nondeterminism?.causes.join("\n")).toMatch(/unseeded randomness/);
  }, 90_000);

  it("--tolerance turns a tiny floating-point difference into within_tolerance", async () => {
    const repo = makeRepo(fx.tempDir());
    const id = await record(repo, [
      "--seed",
      "7",
      "--param",
      "scale=1e-12",
      "--",
      PYTHON,
      "noisy.py",
    ]);
    const { code, report } = await reproduce(repo, id, ["--tolerance", "1e-6"]);
    expect(report.verdict).toBe("within_tolerance");
    expect(code).toBe(0);
    expect(report.metrics[0]?.status).toBe("within_tolerance");
    expect(report.metrics[0]?.maxRelative).toBeGreaterThan(0);
    expect(report.metrics[0]?.maxRelative).toBeLessThan(1e-6);
  }, 90_000);

  it("is not_reproducible, naming the blob, when a dataset blob was deleted", async () => {
    const repo = makeRepo(fx.tempDir());
    const data = join(fx.tempDir(), "scratch");
    mkdirSync(data);
    writeFileSync(join(data, "only.bin"), `content only this test has ${Math.random()}`);
    const added = await lockstep(fx, home, ["data", "add", "scratch", data], { cwd: repo });
    expect(added.code, added.stderr).toBe(0);
    const id = await record(repo, train({ data: "scratch" }));
    const manifest = (await getJson("/api/v1/datasets/scratch/versions/v1/manifest")).body as {
      files: Array<{ chunks: Array<{ digest: string }> }>;
    };
    const digest = manifest.files[0]?.chunks[0]?.digest as string;
    deleteStoredBlob(join(fx.server.dir, "blobs"), digest);
    const { code, report } = await reproduce(repo, id);
    expect(report.verdict).toBe("not_reproducible");
    expect(code).toBe(4);
    expect(report.missing.join("\n")).toContain(`blob ${digest}`);
    expect(differences(report, "data").map((d) => d.item)).toEqual([`blob ${digest}`]);
    // Nothing ran, but the attempt counts among the run's reproductions.
    const attempt = await fx.getRun(report.reproduction as string);
    expect(attempt).toMatchObject({ kind: "reproduction", status: "FAILED" });
    expect(attempt.tags["lockstep.reproduction.missing"]).toContain(`blob ${digest}`);
    expect(attempt.metrics).toEqual({});
    expect((await getJson(`/api/v1/runs/${id}/reproductions`)).body).toMatchObject({
      count: 1,
      reproductions: [{ runId: attempt.id, status: "FAILED", verdict: "not_reproducible" }],
    });
  }, 90_000);

  it("is not_reproducible, naming the commit, when the commit is unreachable", async () => {
    const repo = makeRepo(fx.tempDir());
    writeFileSync(join(repo, "extra.txt"), "soon gone\n");
    git(repo, "add", "extra.txt");
    git(repo, "commit", "-qm", "a commit that will be lost");
    const lost = git(repo, "rev-parse", "HEAD").trim();
    const id = await record(repo, train());
    git(repo, "reset", "-q", "--hard", "HEAD~1");
    git(repo, "reflog", "expire", "--expire=now", "--all");
    git(repo, "gc", "-q", "--prune=now");
    const { code, report } = await reproduce(repo, id);
    expect(report.verdict).toBe("not_reproducible");
    expect(code).toBe(4);
    expect(report.missing.join("\n")).toContain(`commit ${lost}`);
    expect(differences(report, "code").map((d) => d.item)).toEqual([`commit ${lost}`]);
  }, 90_000);

  it("--seeds 3 reports each metric's spread and stores it on the run", async () => {
    const repo = makeRepo(fx.tempDir());
    const id = await record(repo, train());
    const result = await lockstep(fx, home, ["reproduce", id, "--seeds", "3", "--json"], {
      cwd: repo,
    });
    const report = JSON.parse(result.stdout) as {
      seeds: number[];
      runs: string[];
      spread: Array<{
        key: string;
        n: number;
        mean: number;
        std: number;
        min: number;
        max: number;
        original: number;
        originalWithin: boolean;
      }>;
      originalWithin: boolean;
    };
    expect(result.code, result.stderr).toBe(report.originalWithin ? 0 : 3);
    expect(new Set(report.seeds).size).toBe(3);
    expect(report.seeds).not.toContain(7);
    expect(new Set(report.runs).size).toBe(3);
    const [w] = report.spread;
    expect(w).toMatchObject({ key: "w", n: 3 });
    expect(w?.std).toBeGreaterThan(0);
    expect(w?.min).toBeLessThanOrEqual(w?.mean as number);
    expect(w?.mean).toBeLessThanOrEqual(w?.max as number);
    expect(w?.originalWithin).toBe(
      (w?.original as number) >= (w?.min as number) &&
        (w?.original as number) <= (w?.max as number),
    );
    const stored = await fx.artifact(id, "lockstep/seed-spread.json");
    expect(JSON.parse(stored?.toString() ?? "{}")).toMatchObject({
      runs: report.runs,
      spread: report.spread,
    });
    const listed = (await getJson(`/api/v1/runs/${id}/reproductions`)).body as {
      count: number;
      reproductions: Array<{ seeds: number | null }>;
    };
    expect(listed.count).toBe(3);
    expect(listed.reproductions.map((r) => r.seeds)).toEqual([3, 3, 3]);
  }, 120_000);

  it("reports a later difference inside the stored seed spread as noise, not a failure", async () => {
    const repo = makeRepo(fx.tempDir());
    // Under root seed 42 the recorded score (0.639) lies inside the spread of the
    // three derived seeds (0.021 to 0.691), so noise of 1e-9 cannot leave it.
    const id = await record(repo, ["--seed", "42", "--", PYTHON, "band.py"]);
    const seeds = await lockstep(fx, home, ["reproduce", id, "--seeds", "3", "--json"], {
      cwd: repo,
    });
    expect(seeds.code, seeds.stderr).toBe(0);
    expect(JSON.parse(seeds.stdout)).toMatchObject({ originalWithin: true });
    const { code, report } = await reproduce(repo, id);
    expect(report.metrics[0]).toMatchObject({ key: "score", status: "within_noise" });
    expect(report.metrics[0]?.maxRelative).toBeGreaterThan(0);
    expect(report.verdict).toBe("within_tolerance");
    expect(code).toBe(0);
  }, 120_000);

  it("rejects bad input with one error line and stores nothing", async () => {
    const repo = makeRepo(fx.tempDir());
    const unknown = await lockstep(fx, home, ["reproduce", "f".repeat(32)], { cwd: repo });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: .*not found.*\n$/);
    const tolerance = await lockstep(fx, home, ["reproduce", "f".repeat(32), "--tolerance", "-1"], {
      cwd: repo,
    });
    expect(tolerance.code).toBe(2);
    const id = await record(repo, train());
    const busy = fx.tempDir();
    writeFileSync(join(busy, "file"), "x");
    const taken = await lockstep(fx, home, ["reproduce", id, "--workdir", busy], { cwd: repo });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^error: .*not empty\n$/);
    expect((await getJson(`/api/v1/runs/${id}/reproductions`)).body).toEqual({
      count: 0,
      reproductions: [],
    });
    const missing = await getJson(`/api/v1/runs/${"0".repeat(32)}/reproductions`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      error: { code: "NOT_FOUND", message: expect.any(String) },
    });
    const badDiff = await lockstep(fx, home, ["diff", id, "0".repeat(32)], { cwd: repo });
    expect(badDiff.code).toBe(1);
    expect(badDiff.stderr).toMatch(/^error: /);
  }, 90_000);
});
