import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { capturePackages, readPyproject, readSetupCfg } from "./package-capture.js";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "lockstep-pkg-test-"));
  temps.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe("capturePackages", () => {
  it("reads the nearest manifests, npm and Python side by side", async () => {
    const root = tree({
      "package.json": '{"name":"mono","version":"9.9.9"}',
      "ml/package.json": '{"name":"@team/trainer","version":"1.2.3"}',
      "ml/pyproject.toml": '[project]\nname = "trainer"\nversion = "0.4.0"\n',
      "ml/src/x.txt": "",
    });
    expect(await capturePackages(join(root, "ml", "src"), root)).toEqual([
      { file: "ml/package.json", ecosystem: "npm", name: "@team/trainer", version: "1.2.3" },
      { file: "ml/pyproject.toml", ecosystem: "python", name: "trainer", version: "0.4.0" },
    ]);
  });

  it("does not look above the root, and lists a broken manifest with null fields", async () => {
    const root = tree({ "package.json": "{ not json", "sub/readme.md": "" });
    expect(await capturePackages(join(root, "sub"), join(root, "sub"))).toEqual([]);
    expect(await capturePackages(join(root, "sub"), root)).toEqual([
      { file: "package.json", ecosystem: "npm", name: null, version: null },
    ]);
  });
});

describe("readPyproject", () => {
  it("prefers [project], falls back to [tool.poetry], ignores other tables", () => {
    const text = [
      "[build-system]",
      'requires = ["hatchling"]',
      "[tool.poetry]",
      "name = 'poetry-name'",
      'version = "0.1.0"',
      "[project]",
      'name = "real-name"  # comment',
      'dynamic = ["version"]',
      "authors = [",
      '  { name = "Alice" },',
      "]",
      "[[tool.hatch.envs]]",
      'name = "not-this"',
    ].join("\n");
    expect(readPyproject(text)).toEqual({ name: "real-name", version: null });
    expect(readPyproject('[tool . poetry]\nname = "p"\nversion = "2"\n')).toEqual({
      name: "p",
      version: "2",
    });
    expect(readPyproject('name = "top-level"\n')).toEqual({ name: null, version: null });
  });
});

describe("readSetupCfg", () => {
  it("reads [metadata] and skips unresolved attr: versions", () => {
    expect(readSetupCfg("[metadata]\nname = pkg\nversion = 1.0\n[options]\nname = x\n")).toEqual({
      name: "pkg",
      version: "1.0",
    });
    expect(readSetupCfg("[metadata]\nname = pkg\nversion = attr: pkg.__version__\n")).toEqual({
      name: "pkg",
      version: null,
    });
  });
});
