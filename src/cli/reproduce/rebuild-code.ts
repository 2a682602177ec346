import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../../capture/run-command.js";
import { objectAt, textAt } from "../../domain/reproduction/capture-fields.js";
import { repoRootOf } from "../../domain/reproduction/factors.js";
import type { MissingItem } from "../../domain/reproduction/reproduction-report.js";
import type { LockstepApi } from "../../sdk/api-client.js";
import { CODE_PATCH_ARTIFACT } from "../../sdk/record-capture.js";

export type RebuiltCode = { ok: true; cwd: string } | { ok: false; missing: MissingItem[] };

/** Git that reads no repository from our environment and needs no identity. */
const GIT_ENV: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: "0" };
for (const name of ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"]) {
  delete GIT_ENV[name];
}

const git = (cwd: string, args: string[]) => runCommand("git", args, { cwd, env: GIT_ENV });

/**
 * A clean checkout of the recorded commit in `workdir` (empty), with the
 * recorded uncommitted changes applied. The commit is looked for in the
 * repository the run was recorded in, then in the one around the current
 * folder, then at the recorded remote. Returns the folder to run in.
 */
export async function rebuildCode(input: {
  api: LockstepApi;
  runId: string;
  capture: Record<string, unknown> | undefined;
  workdir: string;
}): Promise<RebuiltCode> {
  const code = objectAt(input.capture, "code");
  const commit = textAt(code, "commit");
  if (!(code && code.inRepo === true && commit)) {
    const missing = {
      factor: "code",
      item: "commit",
      detail: "the run was not recorded in a git repository",
    } as const;
    return { ok: false, missing: [missing] };
  }
  const recordedRoot = repoRootOf(input.capture);
  const repoUrl = textAt(code, "repoUrl");
  const source = await findCommit(commit, recordedRoot, repoUrl, input.workdir);
  if (!source.ok) {
    const detail = `not reachable from ${source.tried.join(", ") || "any known repository"}`;
    return { ok: false, missing: [{ factor: "code", item: `commit ${commit}`, detail }] };
  }
  const checkout = await git(input.workdir, ["checkout", "--quiet", "--detach", commit]);
  if (!checkout.ok) {
    const detail = `checkout failed: ${checkout.stderr.trim()}`;
    return { ok: false, missing: [{ factor: "code", item: `commit ${commit}`, detail }] };
  }
  // The checkout's origin is what the run recorded, so its capture matches the original's.
  await git(
    input.workdir,
    repoUrl ? ["remote", "set-url", "origin", repoUrl] : ["remote", "remove", "origin"],
  );
  const patched = await applyPatch(input, code);
  if (patched) return { ok: false, missing: [patched] };
  const inRepo = textAt(code, "pathInRepo") ?? "";
  return { ok: true, cwd: inRepo ? join(input.workdir, inRepo) : input.workdir };
}

/**
 * Clones the first source that has the commit into `workdir`. A local source
 * lends its objects (`--shared`) instead of copying them: a checkout of a
 * large repository takes milliseconds, and the reproduction is done before
 * anything in the source could be garbage-collected.
 */
async function findCommit(
  commit: string,
  recordedRoot: string | null,
  repoUrl: string | null,
  workdir: string,
): Promise<{ ok: true } | { ok: false; tried: string[] }> {
  const here = await git(process.cwd(), ["rev-parse", "--show-toplevel"]);
  const locals = [recordedRoot, here.ok ? here.stdout.toString("utf8").trim() : null].filter(
    (p, i, all): p is string => p !== null && existsSync(p) && all.indexOf(p) === i,
  );
  const tried: string[] = [];
  for (const local of locals) {
    tried.push(local);
    if (!(await git(local, ["cat-file", "-e", `${commit}^{commit}`])).ok) continue;
    const clone = await git(workdir, ["clone", "--quiet", "--shared", "--no-checkout", local, "."]);
    if (clone.ok) return { ok: true };
  }
  if (repoUrl) {
    tried.push(repoUrl);
    const clone = await git(workdir, ["clone", "--quiet", "--no-checkout", repoUrl, "."]);
    if (clone.ok && (await git(workdir, ["cat-file", "-e", `${commit}^{commit}`])).ok) {
      return { ok: true };
    }
  }
  return { ok: false, tried };
}

/** Applies the stored patch; returns what is missing when it cannot. */
async function applyPatch(
  input: { api: LockstepApi; runId: string; workdir: string },
  code: Record<string, unknown>,
): Promise<MissingItem | undefined> {
  const digest = textAt(code, "diff", "digest");
  if (!digest) {
    if (code.dirty !== true) return undefined;
    const reason = textAt(code, "diffOmitted") ?? "not recorded";
    return { factor: "code", item: "uncommitted changes", detail: reason };
  }
  const response = await input.api.http.fetch(
    `/api/v1/runs/${encodeURIComponent(input.runId)}/artifacts/${CODE_PATCH_ARTIFACT}`,
    { method: "GET" },
  );
  const bytes = response.ok ? Buffer.from(await response.arrayBuffer()) : undefined;
  const actual = bytes && `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  if (!bytes || actual !== digest) {
    const why = bytes ? `its bytes hash to ${actual}` : `the server answered ${response.status}`;
    return {
      factor: "code",
      item: `blob ${digest}`,
      detail: `the run's uncommitted changes (${CODE_PATCH_ARTIFACT}) are gone: ${why}`,
    };
  }
  // Outside the checkout: a stray file there would become part of the reproduction's own patch.
  const scratch = await mkdtemp(join(tmpdir(), "lockstep-patch-"));
  try {
    const file = join(scratch, "code.patch");
    await writeFile(file, bytes);
    const applied = await git(input.workdir, ["apply", "--binary", "--whitespace=nowarn", file]);
    if (applied.ok) return undefined;
    return {
      factor: "code",
      item: `patch ${digest}`,
      detail: `git apply failed: ${applied.stderr.trim()}`,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
