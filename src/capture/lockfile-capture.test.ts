import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { captureLockfiles, foldersUpTo, isLockfileName } from "./lockfile-capture.js";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "lockstep-lock-test-"));
  temps.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

describe("captureLockfiles", () => {
  it("digests every lockfile from the working directory up to the root", async () => {
    const root = tree({
      "package-lock.json": "{}",
      "poetry.lock": "p",
      "ml/requirements.txt": "numpy==2.0\n",
      "ml/requirements-dev.txt": "pytest\n",
      "ml/uv.lock": "u",
      "ml/Pipfile.lock": "{}",
      "ml/environment.yml": "name: x\n",
      "ml/requirements.md": "not a lockfile",
      "ml/notes.txt": "no",
    });
    const found = await captureLockfiles(join(root, "ml"), root);
    expect(found.map((f) => f.file)).toEqual([
      "ml/Pipfile.lock",
      "ml/environment.yml",
      "ml/requirements-dev.txt",
      "ml/requirements.txt",
      "ml/uv.lock",
      "package-lock.json",
      "poetry.lock",
    ]);
    expect(found.find((f) => f.file === "ml/requirements.txt")).toEqual({
      file: "ml/requirements.txt",
      digest: sha("numpy==2.0\n"),
      size: 11,
    });
  });

  it("returns nothing for a folder without lockfiles or one that does not exist", async () => {
    const root = tree({ "a.txt": "" });
    expect(await captureLockfiles(root, root)).toEqual([]);
    expect(await captureLockfiles(join(root, "missing"), root)).toEqual([]);
  });

  it("recognises lockfile names", () => {
    expect(isLockfileName("requirements_gpu.txt")).toBe(true);
    expect(isLockfileName("requirements.in")).toBe(false);
    expect(isLockfileName("my-requirements.txt")).toBe(false);
  });

  it("walks up only while inside the root", () => {
    expect(foldersUpTo("/a/b/c", "/a")).toEqual(["/a/b/c", "/a/b", "/a"]);
    expect(foldersUpTo("/x/y", "/a")).toEqual(["/x/y"]);
    expect(foldersUpTo("/a", "/a")).toEqual(["/a"]);
  });
});
