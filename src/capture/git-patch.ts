import { copyFile, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "./run-command.js";

/** Diff options that override user configuration so `git apply` can read the result. */
const PATCH_ARGS = [
  "diff",
  "--cached",
  "--binary",
  "--full-index",
  "--no-renames",
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--no-relative",
  "--src-prefix=a/",
  "--dst-prefix=b/",
];

export type PatchInput = {
  top: string;
  commit: string | null;
  indexPath: string;
  objectsPath: string;
  env: NodeJS.ProcessEnv;
  maxBytes: number;
};

/**
 * Stages the whole working tree into a temporary index, with new objects
 * written to a temporary object directory that borrows the real one as an
 * alternate, then diffs the commit against that index.
 */
export async function buildPatch(
  input: PatchInput,
): Promise<{ bytes: Uint8Array } | { omitted: string }> {
  const untracked = await untrackedBytes(input);
  if (untracked > UNTRACKED_FACTOR * input.maxBytes) {
    return {
      omitted: `untracked files (${untracked} bytes) make the diff larger than ${input.maxBytes} bytes`,
    };
  }
  const scratch = await mkdtemp(join(tmpdir(), "lockstep-git-"));
  try {
    const objects = join(scratch, "objects");
    await mkdir(objects);
    const index = join(scratch, "index");
    const env: NodeJS.ProcessEnv = {
      ...input.env,
      GIT_INDEX_FILE: index,
      GIT_OBJECT_DIRECTORY: objects,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: input.objectsPath,
    };
    const git = (args: string[], maxBytes?: number) =>
      runCommand("git", args, { cwd: input.top, env, maxBytes });

    // A copy of the real index carries its stat cache, so unchanged files are not re-read.
    const copied = await copyIfExists(input.indexPath, index);
    if (!copied || !(await git(["add", "-A"])).ok) {
      await rm(index, { force: true });
      const base = input.commit ? await git(["read-tree", input.commit]) : undefined;
      const add = base && !base.ok ? base : await git(["add", "-A"]);
      if (!add.ok) return { omitted: `git add failed: ${add.stderr}`.trim() };
    }

    const diff = await git(
      [...PATCH_ARGS, ...(input.commit ? [input.commit] : [])],
      input.maxBytes,
    );
    if (diff.ok) return { bytes: new Uint8Array(diff.stdout) };
    if (diff.tooLarge) return { omitted: `diff larger than ${input.maxBytes} bytes` };
    return { omitted: `git diff failed: ${diff.stderr}`.trim() };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * How far the raw size of untracked files may exceed the patch limit before
 * they are not even staged: binary patches are deflated, so compressible files
 * may still fit, but a multi-gigabyte checkpoint should not be hashed into a
 * temporary object store only to be thrown away.
 */
const UNTRACKED_FACTOR = 4;

/** Total size of the untracked, not ignored files. */
async function untrackedBytes(input: PatchInput): Promise<number> {
  const listed = await runCommand("git", ["ls-files", "--others", "--exclude-standard", "-z"], {
    cwd: input.top,
    env: input.env,
  });
  if (!listed.ok) return 0;
  const files = listed.stdout.toString("utf8").split("\0").filter(Boolean);
  const sizes = await Promise.all(
    files.map((f) =>
      stat(join(input.top, f)).then(
        (st) => st.size,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

async function copyIfExists(from: string, to: string): Promise<boolean> {
  try {
    await copyFile(from, to);
    return true;
  } catch {
    return false;
  }
}
