import { appendFile, mkdir, readFile, stat, symlink } from "node:fs/promises";
import { join, posix } from "node:path";
import { digestOfFile } from "../../capture/file-digest.js";
import { runCommand } from "../../capture/run-command.js";
import { arrayAt, textAt } from "../../domain/reproduction/capture-fields.js";
import { repoRootOf } from "../../domain/reproduction/factors.js";
import type { MissingItem } from "../../domain/reproduction/reproduction-report.js";

/** Lockfiles next to which npm, yarn or pnpm install a project's node_modules. */
const NODE_LOCKFILES = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
]);
/** The ones `npm ci` installs from. */
const NPM_LOCKFILES = new Set(["package-lock.json", "npm-shrinkwrap.json"]);
const INSTALL = ["ci", "--ignore-scripts", "--no-audit", "--no-fund"];

/** A recorded Node project; paths relative to the repository root, `/`-separated. */
export interface NodeProject {
  /** The folder of the nearest package.json. */
  manifestFolder: string;
  /** The Node lockfile nearest to the manifest, at or above its folder. */
  lockfile: string;
  digest: string;
}

/**
 * The Node project a run was recorded in: an npm manifest and a Node lockfile
 * in its folder or above (a workspace keeps one lockfile at the top). Null for
 * anything else — a Python project needs nothing here, its interpreter's
 * site-packages are the environment.
 */
export function recordedNodeProject(capture: unknown): NodeProject | null {
  const manifest = arrayAt(capture, "code", "packages").find(
    (p) => textAt(p, "ecosystem") === "npm" && textAt(p, "file"),
  );
  const manifestFile = textAt(manifest, "file");
  if (!manifestFile) return null;
  const manifestFolder = folderOf(manifestFile);
  let nearest: NodeProject | null = null;
  for (const entry of arrayAt(capture, "code", "lockfiles")) {
    const file = textAt(entry, "file");
    const digest = textAt(entry, "digest");
    if (!(file && digest && NODE_LOCKFILES.has(posix.basename(file)))) continue;
    const folder = folderOf(file);
    if (!isAtOrAbove(folder, manifestFolder)) continue;
    if (nearest === null || folder.length > folderOf(nearest.lockfile).length) {
      nearest = { manifestFolder, lockfile: file, digest };
    }
  }
  return nearest;
}

/**
 * Makes the recorded Node project's dependencies available in the checkout
 * at `checkoutRoot`. A fresh checkout has no node_modules; the recorded
 * working copy (or the repository around the current folder) lends its own
 * when its lockfile still has the recorded digest — installed from the same
 * lockfile, it is the same environment, and linking takes a millisecond.
 * Otherwise `install` runs `npm ci` in the checkout; without it, the
 * dependencies are what is missing.
 */
export async function provideNodeDependencies(input: {
  capture: Record<string, unknown> | undefined;
  checkoutRoot: string;
  install: boolean;
  progress: (message: string) => void;
}): Promise<MissingItem[]> {
  const project = recordedNodeProject(input.capture);
  if (!project) return [];
  const installFolder = folderOf(project.lockfile);
  const target = join(input.checkoutRoot, installFolder, "node_modules");
  if (await isFolder(target)) return [];
  if (!(await declaresDependencies(join(input.checkoutRoot, project.manifestFolder)))) return [];
  // The reproduction's capture must not see node_modules as an untracked change.
  await excludeFromGit(input.checkoutRoot);

  const tried: string[] = [];
  for (const source of await sourcesOf(input.capture, input.checkoutRoot)) {
    const modules = join(source, installFolder, "node_modules");
    const lock = await digestOfFile(join(source, project.lockfile)).catch(() => undefined);
    if (lock?.digest !== project.digest) {
      tried.push(`${source}: ${lock ? "its lockfile changed since the run" : "no lockfile"}`);
    } else if (!(await isFolder(modules))) {
      tried.push(`${source}: no node_modules`);
    } else {
      input.progress(`using the node_modules of ${join(source, installFolder)}`);
      await symlink(modules, target, "junction");
      await linkWorkspaceModules(source, input.checkoutRoot, project);
      return [];
    }
  }
  if (input.install) return npmCi(input, project);
  const where = installFolder ? `${installFolder}/node_modules` : "node_modules";
  return [
    {
      factor: "environment",
      item: `node dependencies (${where})`,
      detail:
        `no node_modules installed from the recorded ${project.lockfile} (${short(project.digest)}) ` +
        `to reuse${tried.length > 0 ? ` (${tried.join("; ")})` : ""}; ` +
        "rerun with --install to install them with npm ci",
    },
  ];
}

async function npmCi(
  input: { checkoutRoot: string; progress: (message: string) => void },
  project: NodeProject,
): Promise<MissingItem[]> {
  const item = `node dependencies (${project.lockfile})`;
  if (!NPM_LOCKFILES.has(posix.basename(project.lockfile))) {
    const detail =
      "--install runs npm ci, which installs from package-lock.json or npm-shrinkwrap.json only";
    return [{ factor: "environment", item, detail }];
  }
  const lock = await digestOfFile(join(input.checkoutRoot, project.lockfile)).catch(
    () => undefined,
  );
  if (lock?.digest !== project.digest) {
    const detail = `the checked-out ${project.lockfile} is not the recorded one (${short(project.digest)})`;
    return [{ factor: "environment", item, detail }];
  }
  const cwd = join(input.checkoutRoot, folderOf(project.lockfile));
  input.progress(`installing node dependencies: npm ${INSTALL.join(" ")}`);
  const installed = await runCommand("npm", INSTALL, { cwd });
  if (installed.ok) return [];
  const tail = installed.stderr.trim().split("\n").slice(-5).join(" ");
  return [{ factor: "environment", item, detail: `npm ci failed: ${tail}` }];
}

/** A workspace package keeps the versions it does not share with the others in its own node_modules. */
async function linkWorkspaceModules(
  source: string,
  checkoutRoot: string,
  project: NodeProject,
): Promise<void> {
  if (project.manifestFolder === folderOf(project.lockfile)) return;
  const own = join(source, project.manifestFolder, "node_modules");
  const target = join(checkoutRoot, project.manifestFolder, "node_modules");
  if ((await isFolder(own)) && !(await isFolder(target))) await symlink(own, target, "junction");
}

/** The recorded working copy, then the repository around the current folder. */
async function sourcesOf(capture: unknown, checkoutRoot: string): Promise<string[]> {
  const here = await runCommand("git", ["rev-parse", "--show-toplevel"], { cwd: process.cwd() });
  const candidates = [repoRootOf(capture), here.ok ? here.stdout.toString("utf8").trim() : null];
  return candidates.filter(
    (p, i, all): p is string => p !== null && p !== checkoutRoot && all.indexOf(p) === i,
  );
}

/** False when the manifest names no dependencies at all: nothing to install then. */
async function declaresDependencies(folder: string): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(join(folder, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    return ["dependencies", "devDependencies", "optionalDependencies"].some(
      (key) => Object.keys((manifest[key] as object | undefined) ?? {}).length > 0,
    );
  } catch {
    // Unreadable: assume it needs something, and say so if nothing is found.
    return true;
  }
}

async function excludeFromGit(checkoutRoot: string): Promise<void> {
  const info = join(checkoutRoot, ".git", "info");
  await mkdir(info, { recursive: true });
  await appendFile(join(info, "exclude"), "\nnode_modules\n");
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

function folderOf(file: string): string {
  const folder = posix.dirname(file);
  return folder === "." ? "" : folder;
}

function isAtOrAbove(folder: string, of: string): boolean {
  return folder === "" || of === folder || of.startsWith(`${folder}/`);
}

function short(digest: string): string {
  return digest.slice(0, "sha256:".length + 12);
}
