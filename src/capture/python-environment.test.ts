import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  capturePythonEnvironment,
  parseShebang,
  pythonInterpreterFor,
} from "./python-environment.js";

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-py-test-"));
  temps.push(dir);
  return dir;
}

function script(dir: string, name: string, content: string, executable = true): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  if (executable) chmodSync(path, 0o755);
  return path;
}

describe("pythonInterpreterFor", () => {
  it("recognises Python commands and ignores others", async () => {
    const dir = tempDir();
    script(dir, "train.py", "#!/usr/bin/env -S python3 -u\nprint(1)\n");
    script(dir, "plain.py", "print(1)\n", false);
    script(dir, "run.sh", "#!/bin/sh\necho\n");
    const bin = tempDir();
    script(bin, "mytool", "#!/opt/py/bin/python3.12\nimport sys\n");
    const env = { PATH: `${bin}:${process.env.PATH ?? ""}` };
    const lookup = (...argv: string[]) => pythonInterpreterFor({ argv, cwd: dir, env });

    expect(await lookup("python3", "train.py")).toBe("python3");
    expect(await lookup("/usr/local/bin/python3.11", "-m", "x")).toBe("/usr/local/bin/python3.11");
    expect(await lookup("./train.py")).toBe("python3");
    expect(await lookup("plain.py")).toBe("python3");
    expect(await lookup("mytool", "--flag")).toBe("/opt/py/bin/python3.12");
    expect(await lookup("./run.sh")).toBeNull();
    expect(await lookup("node", "train.js")).toBeNull();
    expect(await lookup("sh", "-c", "python3 x.py")).toBeNull();
    expect(await lookup()).toBeNull();
  });

  it("parses shebang lines", () => {
    expect(parseShebang("#!/usr/bin/python3\n")).toBe("/usr/bin/python3");
    expect(parseShebang("#! /usr/bin/env python\n")).toBe("python");
    expect(parseShebang("#!/usr/bin/env node\n")).toBeNull();
    expect(parseShebang("#!/bin/bash\n")).toBeNull();
    expect(parseShebang("print('no shebang')\n")).toBeNull();
  });
});

describe("capturePythonEnvironment", () => {
  it("lists the real interpreter's version and packages", async () => {
    const env = await capturePythonEnvironment("python3", { cwd: tmpdir(), env: process.env });
    expect(env.error).toBeNull();
    const version = execFileSync("python3", ["--version"], { encoding: "utf8" }).trim();
    expect(version).toBe(`Python ${env.version}`);
    expect(env.implementation).toBe("CPython");
    expect(env.executable).toMatch(/python/);
    const pip = env.packages.find((p) => p.name === "pip");
    expect(pip?.version).toMatch(/^\d+\.\d+/);
    const names = env.packages.map((p) => p.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });

  it("reports a missing interpreter instead of throwing", async () => {
    const env = await capturePythonEnvironment("no-such-python-here", {
      cwd: tmpdir(),
      env: process.env,
    });
    expect(env).toMatchObject({ version: null, packages: [] });
    expect(env.error).toMatch(/listing Python packages failed/);
  });

  it("gives up after the timeout", async () => {
    const slow = script(tempDir(), "slowpython", "#!/bin/sh\nexec sleep 10\n");
    const started = Date.now();
    const env = await capturePythonEnvironment(slow, {
      cwd: tmpdir(),
      env: process.env,
      timeoutMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(env.error).toMatch(/timed out after 300 ms/);
  });

  it("reports output that is not the expected JSON", async () => {
    const liar = script(tempDir(), "python3", "#!/bin/sh\necho not json\n");
    const env = await capturePythonEnvironment(liar, { cwd: tmpdir(), env: process.env });
    expect(env.error).toMatch(/unreadable output/);
  });
});
