import { constants } from "node:fs";
import { access, open } from "node:fs/promises";
import { basename, delimiter, isAbsolute, join, resolve } from "node:path";
import type { PythonEnvironment, PythonPackage } from "./capture-types.js";
import { runCommand } from "./run-command.js";

const PYTHON_NAME = /^python(\d+(\.\d+)*)?(\.exe)?$/i;

/** Prints what the run's Python sees: importlib.metadata is ~3x faster than `pip list`. */
const LIST_SCRIPT = `
import json, platform, sys
from importlib import metadata
seen = {}
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    if name and name.lower() not in seen:
        seen[name.lower()] = {"name": name, "version": dist.version}
print(json.dumps({
    "executable": sys.executable,
    "version": platform.python_version(),
    "implementation": platform.python_implementation(),
    "packages": sorted(seen.values(), key=lambda p: p["name"].lower()),
}))
`;

export type PythonLookup = { argv: readonly string[]; cwd: string; env: NodeJS.ProcessEnv };

/**
 * The interpreter a command runs, or null when it does not run Python: a
 * `python`/`python3.11` executable, a `.py` script, or a program whose shebang
 * names Python (`./train.py`, `torchrun`, `pytest`).
 */
export async function pythonInterpreterFor(lookup: PythonLookup): Promise<string | null> {
  const program = lookup.argv[0];
  if (!program) return null;
  if (PYTHON_NAME.test(basename(program))) return program;
  const path = await findExecutable(program, lookup);
  const shebang = path ? await readShebang(path) : null;
  if (shebang) return shebang;
  return program.endsWith(".py") ? "python3" : null;
}

async function findExecutable(program: string, lookup: PythonLookup): Promise<string | null> {
  if (program.includes("/") || isAbsolute(program)) return resolve(lookup.cwd, program);
  for (const dir of (lookup.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(resolve(lookup.cwd, dir), program);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return null;
}

/** The Python named in a `#!` line (`/usr/bin/env python3` gives `python3`), else null. */
export async function readShebang(path: string): Promise<string | null> {
  const handle = await open(path, "r").catch(() => null);
  if (!handle) return null;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    return parseShebang(buffer.subarray(0, bytesRead).toString("utf8"));
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

export function parseShebang(head: string): string | null {
  const line = /^#!\s*(\S+)(?:[ \t]+(.*))?/.exec(head.split("\n")[0] ?? "");
  if (!line) return null;
  const program = line[1] ?? "";
  if (basename(program) === "env") {
    const target = (line[2] ?? "").split(/\s+/).find((w) => w !== "" && !w.startsWith("-"));
    return target && PYTHON_NAME.test(basename(target)) ? target : null;
  }
  return PYTHON_NAME.test(basename(program)) ? program : null;
}

/**
 * Version and installed packages of `interpreter`, run in `cwd` with `env` as
 * the command would be. Never throws: a missing interpreter, a crash or the
 * timeout is reported in `error`.
 */
export async function capturePythonEnvironment(
  interpreter: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<PythonEnvironment> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const empty: PythonEnvironment = {
    interpreter,
    executable: null,
    version: null,
    implementation: null,
    packages: [],
    error: null,
  };
  const result = await runCommand(interpreter, ["-c", LIST_SCRIPT], {
    cwd: options.cwd,
    env: options.env,
    timeoutMs,
  });
  if (!result.ok) {
    const why = result.timedOut ? `timed out after ${timeoutMs} ms` : result.stderr.trim();
    return { ...empty, error: `listing Python packages failed: ${why}`.slice(0, 2000) };
  }
  try {
    const parsed = JSON.parse(result.stdout.toString("utf8")) as {
      executable: string;
      version: string;
      implementation: string;
      packages: PythonPackage[];
    };
    return { ...empty, ...parsed, interpreter };
  } catch (cause) {
    return { ...empty, error: `unreadable output from ${interpreter}: ${String(cause)}` };
  }
}
