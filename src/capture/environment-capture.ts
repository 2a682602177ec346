import { existsSync } from "node:fs";
import { access } from "node:fs/promises";
import os from "node:os";
import { delimiter, join } from "node:path";
import type { EnvironmentCapture, GpuInfo, PythonEnvironment } from "./capture-types.js";
import { capturePythonEnvironment, pythonInterpreterFor } from "./python-environment.js";
import { runCommand } from "./run-command.js";
import { filterEnvironment } from "./secret-filter.js";

export type EnvironmentOptions = {
  cwd: string;
  /** The command the run starts; decides whether Python is examined. */
  argv: readonly string[];
  /** Default is `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Budget for listing Python packages. Default is 5000 ms. */
  pythonTimeoutMs?: number;
  /** Budget for nvidia-smi. Default is 3000 ms. */
  gpuTimeoutMs?: number;
};

/**
 * The machine and runtime a run starts on. Everything but the GPU query and
 * the Python listing comes from Node's own calls and takes a few milliseconds;
 * those two run concurrently and are skipped when the tool is absent or the
 * command does not run Python.
 */
export async function captureEnvironment(options: EnvironmentOptions): Promise<EnvironmentCapture> {
  const env = options.env ?? process.env;
  const [gpus, python] = await Promise.all([
    captureGpus(env, options.gpuTimeoutMs ?? 3000),
    capturePython(options, env),
  ]);
  const cpus = os.cpus();
  return {
    os: {
      platform: os.platform(),
      type: os.type(),
      release: os.release(),
      version: os.version(),
      arch: os.arch(),
    },
    hostname: os.hostname(),
    cpu: { model: cpus[0]?.model.trim() ?? "unknown", count: cpus.length },
    memory: { totalBytes: os.totalmem() },
    gpus,
    node: { version: process.version },
    python,
    container: detectContainer(),
    variables: filterEnvironment(env),
  };
}

async function capturePython(
  options: EnvironmentOptions,
  env: NodeJS.ProcessEnv,
): Promise<PythonEnvironment | null> {
  const interpreter = await pythonInterpreterFor({ argv: options.argv, cwd: options.cwd, env });
  if (!interpreter) return null;
  return capturePythonEnvironment(interpreter, {
    cwd: options.cwd,
    env,
    timeoutMs: options.pythonTimeoutMs,
  });
}

function detectContainer(): EnvironmentCapture["container"] {
  if (existsSync("/.dockerenv")) return "docker";
  if (existsSync("/run/.containerenv")) return "podman";
  return null;
}

async function onPath(program: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (
      dir &&
      (await access(join(dir, program)).then(
        () => true,
        () => false,
      ))
    )
      return true;
  }
  return false;
}

/** GPUs from nvidia-smi; null when it is not installed, `[]` when it fails or finds none. */
async function captureGpus(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<GpuInfo[] | null> {
  if (!(await onPath("nvidia-smi", env))) return null;
  const result = await runCommand(
    "nvidia-smi",
    ["--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"],
    { cwd: os.tmpdir(), env, timeoutMs },
  );
  return result.ok ? parseNvidiaSmi(result.stdout.toString("utf8")) : [];
}

export function parseNvidiaSmi(csv: string): GpuInfo[] {
  return csv
    .split("\n")
    .map((line) => line.split(",").map((f) => f.trim()))
    .filter((fields) => fields[0])
    .map(([name = "", memory = "", driver = ""]) => {
      const mib = Number(memory);
      return {
        name,
        memoryMiB: memory !== "" && Number.isFinite(mib) ? mib : null,
        driverVersion: driver || null,
      };
    });
}
