import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { ReproductionReport } from "../../src/domain/reproduction/reproduction-report.js";
import { execCli } from "../cli/run-cli.js";
import { git, type RunFixture } from "../run/run-support.js";

export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** `lockstep: run <id>` from stderr, when printed. */
  runId: string;
}

/**
 * The built `lockstep` against the fixture's server, in `cwd`, with a
 * private home (data cache, spool) per test file and none of the developer's
 * tracking variables.
 */
export async function lockstep(
  fixture: RunFixture,
  home: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliOutcome> {
  const base = { ...process.env };
  for (const name of Object.keys(base)) {
    if (name.startsWith("LOCKSTEP_") || name.startsWith("MLFLOW_")) delete base[name];
  }
  const result = await execCli(["--tracking-uri", fixture.server.url, ...args], {
    cwd: options.cwd,
    env: { ...base, LOCKSTEP_HOME: home, ...options.env },
  });
  return { ...result, runId: /lockstep: run ([0-9a-f]{32})/.exec(result.stderr)?.[1] ?? "" };
}

/** The report `reproduce --json` printed; what it said on stderr when it printed none. */
export function reportOf(outcome: CliOutcome): ReproductionReport {
  try {
    return JSON.parse(outcome.stdout) as ReproductionReport;
  } catch {
    throw new Error(`no JSON report (exit ${outcome.code}): ${outcome.stderr}`);
  }
}

/**
 * Records `lockstep run RUN_ARGS` in `repo` (it must succeed), then
 * `lockstep reproduce --json` of that run from the same folder.
 */
export async function recordAndReproduce(
  fixture: RunFixture,
  home: string,
  repo: string,
  runArgs: string[],
): Promise<{ runId: string; result: CliOutcome; report: ReproductionReport }> {
  const run = await lockstep(fixture, home, ["run", ...runArgs], { cwd: repo });
  expect(run.code, run.stderr).toBe(0);
  const result = await lockstep(fixture, home, ["reproduce", run.runId, "--json"], { cwd: repo });
  return { runId: run.runId, result, report: reportOf(result) };
}

/**
 * A small training script: a seeded random walk scaled by the param `lr`,
 * plus the sum of the bytes of the `digits` dataset when one is given. It
 * logs `w` at five steps and writes `out/model.txt` (out/ is git-ignored).
 */
export const TRAIN_PY = `import json, os, random
seed = int(os.environ["LOCKSTEP_SEED"])
params = json.loads(os.environ.get("LOCKSTEP_PARAMS", "{}"))
lr = float(params.get("lr", "0.1"))
data = os.environ.get("LOCKSTEP_DATA_DIGITS")
offset = 0.0
if data:
    for name in sorted(os.listdir(data)):
        with open(os.path.join(data, name), "rb") as f:
            offset += sum(f.read()) / 1000.0
rng = random.Random(seed)
w = offset
os.makedirs("out", exist_ok=True)
with open(os.environ["LOCKSTEP_METRICS_FILE"], "a") as m:
    for step in range(5):
        w += lr * rng.random()
        m.write(json.dumps({"key": "w", "value": w, "step": step}) + "\\n")
with open("out/model.txt", "w") as f:
    f.write(repr(w))
print("trained", w)
`;

/** Unseeded randomness scaled by the param `scale`: a different result on every run. */
export const NOISY_PY = `import json, os, random
params = json.loads(os.environ.get("LOCKSTEP_PARAMS", "{}"))
scale = float(params.get("scale", "1"))
rng = random.Random()
with open(os.environ["LOCKSTEP_METRICS_FILE"], "a") as m:
    for step in range(3):
        m.write(json.dumps({"key": "score", "value": 1.0 + scale * rng.random(), "step": step}) + "\\n")
`;

/**
 * A result set by the seed (a value in [0, 1)) plus unseeded noise a billion
 * times smaller: repeats under one seed differ, but far less than seeds do.
 */
export const BAND_PY = `import json, os, random
seed = int(os.environ["LOCKSTEP_SEED"])
value = random.Random(seed).random() + 1e-9 * random.Random().random()
with open(os.environ["LOCKSTEP_METRICS_FILE"], "a") as m:
    m.write(json.dumps({"key": "score", "value": value, "step": 0}) + "\\n")
`;

/** A git repository holding the scripts, one commit. */
export function makeRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "train.py"), TRAIN_PY);
  writeFileSync(join(dir, "noisy.py"), NOISY_PY);
  writeFileSync(join(dir, "band.py"), BAND_PY);
  writeFileSync(join(dir, ".gitignore"), "out/\n");
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "scripts");
  return dir;
}

/** The Python without third-party packages is enough for the scripts above, and starts fast. */
export const PYTHON = "/usr/bin/python3";
