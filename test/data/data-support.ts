import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CLI, type CliResult } from "../cli/run-cli.js";

/** A temp folder for one test file. */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `lockstep-data-${prefix}-`));
}

/** Files to write: relative path → bytes (and optional mode). */
export type Tree = Record<string, { bytes: Uint8Array; mode?: number }>;

export function writeTree(root: string, tree: Tree): void {
  for (const [path, file] of Object.entries(tree)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, file.bytes);
    chmodSync(abs, file.mode ?? 0o644);
  }
}

/**
 * Every regular file under `root`: path → { size, sha256, mode }. Hashes, not
 * bytes, because deep equality of large buffers walks them index by index.
 */
export function readTree(
  root: string,
): Map<string, { size: number; sha256: string; mode: number }> {
  const found = new Map<string, { size: number; sha256: string; mode: number }>();
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(abs, path);
      else if (entry.isFile()) {
        const bytes = readFileSync(abs);
        const sha256 = createHash("sha256").update(bytes).digest("hex");
        found.set(path, { size: bytes.length, sha256, mode: statSync(abs).mode & 0o7777 });
      }
    }
  };
  walk(root, "");
  return found;
}

/** Pseudo-random bytes from a seed (xorshift), fast enough for tens of MB. */
export function randomBytesFrom(seed: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, Math.floor(size / 4));
  let x = seed >>> 0 || 1;
  for (let k = 0; k < words.length; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[k] = x >>> 0;
  }
  for (let k = words.length * 4; k < size; k++) out[k] = k & 0xff;
  return out;
}

/** The CLI with a tracking URI and its own LOCKSTEP_HOME (cache, stat caches). */
export function cliFor(url: string, home: string) {
  return (...args: string[]): Promise<CliResult> =>
    runCliIn(["--tracking-uri", url, ...args], home);
}

export function runCliIn(args: string[], home: string): Promise<CliResult> {
  const child = spawnCli(args, home);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export function spawnCli(args: string[], home: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, LOCKSTEP_HOME: home };
  delete env.LOCKSTEP_TRACKING_URI;
  delete env.MLFLOW_TRACKING_URI;
  return spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
}

/** Where the test server's file blob store keeps a blob. */

/** Exit 1, nothing on stdout, one `error:` line matching `pattern`. */
export function expectOneLineError(result: CliResult, pattern: RegExp): void {
  const lines = result.stderr.trimEnd().split("\n");
  if (
    result.code !== 1 ||
    result.stdout !== "" ||
    lines.length !== 1 ||
    !/^error: /.test(lines[0] ?? "") ||
    !pattern.test(lines[0] ?? "")
  ) {
    throw new Error(
      `expected one error line matching ${pattern}, exit 1; got ${JSON.stringify(result)}`,
    );
  }
}
