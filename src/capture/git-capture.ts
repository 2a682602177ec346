import { resolve } from "node:path";
import type { GitCapture } from "./capture-types.js";
import { digestOfBytes } from "./file-digest.js";
import { buildPatch } from "./git-patch.js";
import { runCommand } from "./run-command.js";
import { sanitizeRemoteUrl } from "./secret-filter.js";

export type GitCaptureOptions = {
  /** Variables for git (PATH, HOME for its config). Default is `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** A patch larger than this is left out and the reason recorded. Default is 64 MiB. */
  maxDiffBytes?: number;
};

export type GitCaptureResult = { git: GitCapture; diff?: Uint8Array };

/** Variables that would point git somewhere other than the working directory's repo. */
const REPO_OVERRIDES = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
];

const NOT_IN_REPO: GitCapture = {
  inRepo: false,
  repoUrl: null,
  commit: null,
  branch: null,
  detached: false,
  dirty: false,
  diff: null,
  diffOmitted: null,
  pathInRepo: null,
  gitError: null,
};

function gitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...env };
  for (const name of REPO_OVERRIDES) delete clean[name];
  // GIT_OPTIONAL_LOCKS=0 stops `git status` from refreshing the user's index.
  return { ...clean, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
}

/**
 * Records the repository state of `cwd`: remote, commit, branch and, when the
 * tree is dirty, a binary patch (tracked changes and untracked files git does
 * not ignore) that `git apply` turns a clean checkout of the commit into the
 * working tree with. Neither the user's index nor their object store is touched.
 */
export async function captureGit(
  cwd: string,
  options: GitCaptureOptions = {},
): Promise<GitCaptureResult> {
  const env = gitEnv(options.env ?? process.env);
  const git = (args: string[]) => runCommand("git", args, { cwd, env });

  // Three independent questions asked at once: each git start costs tens of ms on a busy machine.
  const [paths, status, remotes] = await Promise.all([
    git([
      "rev-parse",
      "--show-toplevel",
      "--show-prefix",
      "--git-path",
      "index",
      "--git-path",
      "objects",
    ]),
    git(["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=normal"]),
    git(["config", "--get-regexp", "^remote\\..*\\.url$"]),
  ]);
  if (!paths.ok || !status.ok) {
    const reason = (paths.ok ? status : paths).stderr;
    // Outside a repository is an ordinary answer; anything else is worth recording.
    if (/not a git repository/i.test(reason)) return { git: NOT_IN_REPO };
    return { git: { ...NOT_IN_REPO, gitError: reason.trim().split("\n")[0] ?? "git failed" } };
  }
  const [top = "", prefix = "", indexPath = "", objectsPath = ""] = paths.stdout
    .toString("utf8")
    .split("\n");
  const head = parseStatus(status.stdout.toString("utf8"));
  const repoUrl = remotes.ok ? pickRemote(remotes.stdout.toString("utf8")) : null;
  const git0: GitCapture = {
    inRepo: true,
    repoUrl,
    commit: head.commit,
    branch: head.branch,
    detached: head.branch === null,
    dirty: head.dirty,
    diff: null,
    diffOmitted: null,
    pathInRepo: prefix.replace(/\/$/, ""),
    gitError: null,
  };
  if (!head.dirty) return { git: git0 };

  const patch = await buildPatch({
    top,
    commit: head.commit,
    indexPath: resolve(cwd, indexPath),
    objectsPath: resolve(cwd, objectsPath),
    env,
    maxBytes: options.maxDiffBytes ?? 64 * 1024 * 1024,
  });
  if ("omitted" in patch) return { git: { ...git0, diffOmitted: patch.omitted } };
  const diff = patch.bytes;
  return { git: { ...git0, diff: { digest: digestOfBytes(diff), size: diff.length } }, diff };
}

type HeadState = { commit: string | null; branch: string | null; dirty: boolean };

/** Reads `git status --porcelain=v2 --branch -z`: headers first, then one entry per change. */
export function parseStatus(output: string): HeadState {
  let commit: string | null = null;
  let branch: string | null = null;
  let dirty = false;
  for (const field of output.split("\0")) {
    if (field.startsWith("# branch.oid ")) {
      const oid = field.slice("# branch.oid ".length);
      commit = oid === "(initial)" ? null : oid;
    } else if (field.startsWith("# branch.head ")) {
      const name = field.slice("# branch.head ".length);
      branch = name === "(detached)" ? null : name;
    } else if (field !== "" && !field.startsWith("# ")) {
      dirty = true;
      break;
    }
  }
  return { commit, branch, dirty };
}

/** The URL of `origin`, else of the first remote listed. */
export function pickRemote(configOutput: string): string | null {
  const entries = configOutput
    .split("\n")
    .map((line) => /^remote\.(.+)\.url (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null);
  const chosen = entries.find((m) => m[1] === "origin") ?? entries[0];
  return chosen?.[2] ? sanitizeRemoteUrl(chosen[2]) : null;
}
