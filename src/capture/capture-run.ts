import os from "node:os";
import { resolve } from "node:path";
import type { CodeCapture, RunCaptureRecord, SeedCapture } from "./capture-types.js";
import { determinismEnv } from "./determinism-env.js";
import { captureEnvironment } from "./environment-capture.js";
import { captureGit } from "./git-capture.js";
import { captureLockfiles } from "./lockfile-capture.js";
import { capturePackages } from "./package-capture.js";
import { redactArgv, stripUrlCredentials } from "./secret-filter.js";
import { drawRootSeed, parseSeed } from "./seeds.js";

export type CaptureRunOptions = {
  cwd: string;
  /** The command the run starts, program first. */
  argv: readonly string[];
  /** The root seed given by the user; one is drawn when absent. */
  seed?: number;
  /** The environment the command will inherit. Default is `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Default is 64 MiB. */
  maxDiffBytes?: number;
  /** Default is 5000 ms. */
  pythonTimeoutMs?: number;
};

export type CaptureRunResult = {
  capture: RunCaptureRecord;
  /** The uncommitted changes, to be stored as the blob `capture.code.diff.digest`. */
  diff?: Uint8Array;
};

/**
 * Records code, seed and environment for a run about to start `argv` in `cwd`,
 * without any help from the command. Outside a git repository the code part
 * says so and the rest is captured as usual.
 *
 * @example
 * const { capture, diff } = await captureRun({ cwd: process.cwd(), argv: ["python3", "train.py"] });
 * const childEnv = { ...process.env, ...capture.seed.determinismEnv };
 */
export async function captureRun(options: CaptureRunOptions): Promise<CaptureRunResult> {
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd);
  const seed = seedCapture(options.seed);
  const environment = captureEnvironment({
    cwd,
    argv: options.argv,
    env,
    pythonTimeoutMs: options.pythonTimeoutMs,
  });
  const gitResult = await captureGit(cwd, { env, maxDiffBytes: options.maxDiffBytes });
  const { git } = gitResult;
  const root = git.pathInRepo ? resolve(cwd, ...git.pathInRepo.split("/").map(() => "..")) : cwd;
  const [packages, lockfiles] = await Promise.all([
    capturePackages(cwd, root),
    captureLockfiles(cwd, root),
  ]);
  const code: CodeCapture = {
    ...git,
    packages,
    lockfiles,
    argv: redactArgv(options.argv),
    cwd,
    entryPoint: entryPointOf(options.argv),
  };
  const capture: RunCaptureRecord = {
    version: 1,
    capturedAt: new Date().toISOString(),
    user: currentUser(env),
    code,
    seed,
    environment: await environment,
  };
  return gitResult.diff ? { capture, diff: gitResult.diff } : { capture };
}

function seedCapture(given: number | undefined): SeedCapture {
  const root = given === undefined ? drawRootSeed() : parseSeed(given);
  return {
    root,
    source: given === undefined ? "drawn" : "given",
    algorithm: "lockstep-seed-v1",
    derived: {},
    determinismEnv: determinismEnv(root),
  };
}

const PYTHON = /(^|\/)python(\d+(\.\d+)*)?(\.exe)?$/i;
/** Python options that take a value in the next argument. */
const PYTHON_OPTS_WITH_VALUE = new Set(["-W", "-X", "--check-hash-based-pycs"]);

/** The script a command runs: `train.py` in `python3 -u train.py`, the module for `-m`. */
export function entryPointOf(argv: readonly string[]): string | null {
  const program = argv[0];
  if (program === undefined) return null;
  if (!PYTHON.test(program)) return stripUrlCredentials(program);
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "-m") return argv[i + 1] ?? null;
    if (arg === "-c") return "-c";
    if (PYTHON_OPTS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith("-") || arg === "-") return stripUrlCredentials(arg);
  }
  return program;
}

function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return os.userInfo().username;
  } catch {
    // Containers often run as a uid without a passwd entry.
    return env.USER ?? env.LOGNAME ?? env.USERNAME ?? "unknown";
  }
}
