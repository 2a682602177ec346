import { readdir } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { LockfileDigest } from "./capture-types.js";
import { digestOfFile } from "./file-digest.js";

/** Lockfiles and environment files whose bytes pin what a run installs. */
const LOCKFILE_NAMES = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "poetry.lock",
  "uv.lock",
  "Pipfile.lock",
  "environment.yml",
  "environment.yaml",
  "conda-lock.yml",
]);
const REQUIREMENTS = /^requirements([-_.][\w.-]*)?\.txt$/;

export function isLockfileName(name: string): boolean {
  return LOCKFILE_NAMES.has(name) || REQUIREMENTS.test(name);
}

/**
 * The folders from `cwd` up to `root`, nearest first. A project's manifest and
 * lockfiles may sit in the working directory or above it (a monorepo keeps its
 * lockfile at the top), but nothing outside the repository belongs to the run.
 */
export function foldersUpTo(cwd: string, root: string): string[] {
  const from = resolve(cwd);
  const top = resolve(root);
  const rel = relative(top, from);
  if (rel.startsWith("..") || resolve(top, rel) !== from) return [from];
  const folders = [from];
  let dir = from;
  while (dir !== top) {
    dir = dirname(dir);
    folders.push(dir);
  }
  return folders;
}

export function relativePath(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

/** Digests of every lockfile in the folders from `cwd` up to `root`, nearest first. */
export async function captureLockfiles(cwd: string, root: string): Promise<LockfileDigest[]> {
  const found: string[] = [];
  for (const dir of foldersUpTo(cwd, root)) {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const names = entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && isLockfileName(e.name))
      .map((e) => e.name)
      .sort();
    found.push(...names.map((name) => join(dir, name)));
  }
  const digests = await Promise.all(
    found.map(async (path) => {
      const d = await digestOfFile(path).catch(() => undefined);
      return d ? { file: relativePath(root, path), ...d } : undefined;
    }),
  );
  return digests.filter((d): d is LockfileDigest => d !== undefined);
}
