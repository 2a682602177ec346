import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { captureGit, parseStatus, pickRemote } from "./git-capture.js";

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
};

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-git-test-"));
  temps.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "commit.gpgsign=false", ...args], {
    cwd,
    env: GIT_ENV,
    encoding: "utf8",
  }).trim();
}

function newRepo(): string {
  const dir = tempDir();
  git(dir, "init", "-q", "-b", "main");
  return dir;
}

function write(root: string, path: string, content: string | Uint8Array): void {
  const full = join(root, path);
  mkdirSync(join(full, ".."), { recursive: true });
  writeFileSync(full, content);
}

function binary(seed: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + (i >> 3)) % 256);
}

/** Path → content digest and executable bit of every file outside `.git`. */
function snapshot(root: string, dir = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(root, dir))) {
    if (dir === "" && name === ".git") continue;
    const rel = dir ? `${dir}/${name}` : name;
    const full = join(root, rel);
    const st = statSync(full);
    if (st.isDirectory()) Object.assign(out, snapshot(root, rel));
    else {
      const hash = createHash("sha256").update(readFileSync(full)).digest("hex");
      out[rel] = `${hash}:${st.mode & 0o111 ? "x" : "-"}`;
    }
  }
  return out;
}

function applyOnCleanCheckout(repo: string, commit: string | null, patch: Uint8Array): string {
  const dest = tempDir();
  if (commit) {
    git(dest, "clone", "-q", "--no-checkout", repo, ".");
    git(dest, "checkout", "-q", commit);
  } else {
    git(dest, "init", "-q");
  }
  const file = join(tempDir(), "run.patch");
  writeFileSync(file, patch);
  git(dest, "apply", "--binary", file);
  return dest;
}

describe("captureGit", () => {
  it("records that a folder is outside any repository", async () => {
    const { git: g, diff } = await captureGit(tempDir());
    expect(g).toMatchObject({ inRepo: false, commit: null, branch: null, dirty: false });
    expect(g.gitError).toBeNull();
    expect(diff).toBeUndefined();
  });

  it("handles a repository with no commits, clean and then with files", async () => {
    const repo = newRepo();
    const empty = await captureGit(repo);
    expect(empty.git).toMatchObject({ inRepo: true, commit: null, branch: "main", dirty: false });
    expect(empty.diff).toBeUndefined();

    write(repo, "a.txt", "first\n");
    write(repo, "data/blob.bin", binary(1, 3000));
    const dirty = await captureGit(repo);
    expect(dirty.git.dirty).toBe(true);
    if (!dirty.diff) throw new Error("expected a diff");
    expect(snapshot(applyOnCleanCheckout(repo, null, dirty.diff))).toEqual(snapshot(repo));

    git(repo, "add", "a.txt");
    write(repo, "a.txt", "edited after staging\n");
    const staged = await captureGit(repo);
    if (!staged.diff) throw new Error("expected a diff");
    expect(snapshot(applyOnCleanCheckout(repo, null, staged.diff))).toEqual(snapshot(repo));
  });

  it("carries on when git is not installed", async () => {
    const repo = newRepo();
    const { git: g } = await captureGit(repo, { env: { PATH: tempDir() } });
    expect(g.inRepo).toBe(false);
    expect(g.gitError).toMatch(/ENOENT/);
  });

  it("reports a clean checkout, its branch, commit and remote without credentials", async () => {
    const repo = newRepo();
    write(repo, "a.txt", "x\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "one");
    git(repo, "remote", "add", "backup", "git@example.com:team/backup.git");
    git(repo, "remote", "add", "origin", "https://alice:s3cr3t@example.com/team/proj.git");
    const { git: g, diff } = await captureGit(repo);
    expect(g).toEqual({
      inRepo: true,
      repoUrl: "https://example.com/team/proj.git",
      commit: git(repo, "rev-parse", "HEAD"),
      branch: "main",
      detached: false,
      dirty: false,
      diff: null,
      diffOmitted: null,
      pathInRepo: "",
      gitError: null,
    });
    expect(diff).toBeUndefined();
    expect(JSON.stringify(g)).not.toContain("s3cr3t");
  });

  it("reports a detached HEAD and the working directory's place in the repo", async () => {
    const repo = newRepo();
    write(repo, "src/deep/a.txt", "x\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "one");
    git(repo, "checkout", "-q", "--detach");
    const { git: g } = await captureGit(join(repo, "src", "deep"));
    expect(g).toMatchObject({ branch: null, detached: true, dirty: false, pathInRepo: "src/deep" });
    expect(g.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("builds a patch that rebuilds the exact working tree on a clean checkout", async () => {
    const repo = newRepo();
    write(repo, ".gitignore", "*.log\nbuild/\n");
    write(repo, "keep.txt", "unchanged\n");
    write(repo, "edit.txt", "line 1\nline 2\n");
    write(repo, "gone.txt", "to be deleted\n");
    write(repo, "model.bin", binary(1, 5000));
    write(repo, "run.sh", "#!/bin/sh\necho hi\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "base");
    const commit = git(repo, "rev-parse", "HEAD");

    write(repo, "edit.txt", "line 1\nline 2 changed\nline 3\n");
    unlinkSync(join(repo, "gone.txt"));
    write(repo, "model.bin", binary(2, 6000));
    chmodSync(join(repo, "run.sh"), 0o755);
    write(repo, "staged.txt", "staged only\n");
    git(repo, "add", "staged.txt");
    write(repo, "notes/untracked file.md", "# new\n");
    write(repo, "notes/ünïcödé.txt", "text\n");
    write(repo, "empty.txt", "");
    write(repo, "weights.bin", binary(3, 4000));
    write(repo, "debug.log", "ignored\n");
    write(repo, "build/out.js", "ignored\n");

    const indexBefore = readFileSync(join(repo, ".git", "index"));
    const objectsBefore = git(repo, "count-objects", "-v");
    const { git: g, diff } = await captureGit(repo);
    expect(readFileSync(join(repo, ".git", "index")).equals(indexBefore)).toBe(true);
    expect(git(repo, "count-objects", "-v")).toBe(objectsBefore);

    expect(g.dirty).toBe(true);
    expect(g.commit).toBe(commit);
    if (!diff || !g.diff) throw new Error("expected a diff");
    expect(g.diff.size).toBe(diff.length);
    expect(g.diff.digest).toBe(`sha256:${createHash("sha256").update(diff).digest("hex")}`);
    const text = Buffer.from(diff).toString("utf8");
    expect(text).toContain("GIT binary patch");
    expect(text).not.toContain("debug.log");

    const rebuilt = applyOnCleanCheckout(repo, commit, diff);
    const expected = snapshot(repo);
    delete expected["debug.log"];
    delete expected["build/out.js"];
    expect(snapshot(rebuilt)).toEqual(expected);
    expect(Object.keys(expected)).toContain("notes/ünïcödé.txt");
    expect(Object.keys(expected)).not.toContain("gone.txt");
  });

  it("leaves out a patch larger than the limit and says why", async () => {
    const repo = newRepo();
    write(repo, "a.txt", "x\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "one");
    write(repo, "a.txt", "changed line\n".repeat(200));
    const tracked = await captureGit(repo, { maxDiffBytes: 1000 });
    expect(tracked.git).toMatchObject({ dirty: true, diff: null });
    expect(tracked.git.diffOmitted).toBe("diff larger than 1000 bytes");
    expect(tracked.diff).toBeUndefined();

    write(repo, "a.txt", "x\n");
    write(repo, "checkpoint.bin", binary(5, 20_000));
    const untracked = await captureGit(repo, { maxDiffBytes: 1000 });
    expect(untracked.git.diffOmitted).toBe(
      "untracked files (20000 bytes) make the diff larger than 1000 bytes",
    );
    expect(untracked.diff).toBeUndefined();
    const fits = await captureGit(repo, { maxDiffBytes: 100_000 });
    expect(fits.git.diffOmitted).toBeNull();
    expect(Buffer.from(fits.diff ?? []).toString()).toContain("b/checkpoint.bin");
  });

  it("ignores GIT_DIR and GIT_INDEX_FILE pointing elsewhere", async () => {
    const repo = newRepo();
    const other = newRepo();
    const { git: g } = await captureGit(tempDir(), {
      env: { ...process.env, GIT_DIR: join(other, ".git"), GIT_INDEX_FILE: join(repo, "x") },
    });
    expect(g.inRepo).toBe(false);
  });
});

describe("parseStatus", () => {
  it("reads commit, branch and dirtiness", () => {
    expect(parseStatus("# branch.oid abc\0# branch.head main\0")).toEqual({
      commit: "abc",
      branch: "main",
      dirty: false,
    });
    expect(parseStatus("# branch.oid (initial)\0# branch.head (detached)\0? new.txt\0")).toEqual({
      commit: null,
      branch: null,
      dirty: true,
    });
  });
});

describe("pickRemote", () => {
  it("prefers origin, falls back to the first remote, and handles none", () => {
    expect(pickRemote("remote.a.url git@h:x/a.git\nremote.origin.url https://t@h/o.git\n")).toBe(
      "https://h/o.git",
    );
    expect(pickRemote("remote.a.url git@h:x/a.git\n")).toBe("git@h:x/a.git");
    expect(pickRemote("")).toBeNull();
  });
});
