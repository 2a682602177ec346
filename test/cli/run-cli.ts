import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = join(ROOT, "dist/cli/main.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `lockstep` binary. The environment is cleared of tracking
 * variables unless `env` sets them, so the developer's shell cannot leak in.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base = { ...process.env };
  delete base.LOCKSTEP_TRACKING_URI;
  delete base.MLFLOW_TRACKING_URI;
  return execCli(args, { env: { ...base, ...env } });
}

/** Runs the built `lockstep` binary with exactly `env`, collecting what it prints. */
export function execCli(
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.once("error", reject);
    child.once("close", (code) => resolveResult({ code, stdout, stderr }));
  });
}
