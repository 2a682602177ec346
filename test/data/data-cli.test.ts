import { chmodSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../sdk/test-server.js";
import {
  cliFor,
  expectOneLineError,
  randomBytesFrom,
  readTree,
  scratchDir,
  type Tree,
  writeTree,
} from "./data-support.js";

let server: TestServer;
let scratch: string;
let cli: ReturnType<typeof cliFor>;

const source = () => join(scratch, "digits");

const TREE: Tree = {
  "empty.txt": { bytes: new Uint8Array(0) },
  "big.bin": { bytes: randomBytesFrom(7, 3 * 1024 * 1024 + 17) },
  "a/b/c/d/e/deep.csv": { bytes: new TextEncoder().encode("x,y\n1,2\n") },
  "ünïcödé/日本語 ファイル.txt": { bytes: new TextEncoder().encode("こんにちは") },
  "run.sh": { bytes: new TextEncoder().encode("#!/bin/sh\necho hi\n"), mode: 0o755 },
  "readonly.dat": { bytes: randomBytesFrom(3, 1000), mode: 0o444 },
};

beforeAll(async () => {
  server = await startTestServer();
  scratch = scratchDir("cli");
  cli = cliFor(server.url, join(scratch, "home"));
  writeTree(source(), TREE);
});

afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface VersionJson {
  version: string;
  digest: string;
  createdAt: string;
  message: string;
  size: number;
  files: number;
}

async function versions(name: string): Promise<VersionJson[]> {
  const result = await cli("data", "versions", name, "--json");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as VersionJson[];
}

describe("lockstep data", { timeout: 180_000 }, () => {
  it("add prints vN and the digest; versions lists it; checkout gives the same bytes and modes", async () => {
    const added = await cli("data", "add", "digits", source(), "-m", "March export");
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^v1 sha256:[0-9a-f]{64}\n$/);
    const [v1] = await versions("digits");
    expect(v1).toMatchObject({ version: "v1", message: "March export", files: 6 });
    expect(added.stdout).toBe(`v1 ${v1?.digest}\n`);
    expect(Object.keys(v1 ?? {}).sort()).toEqual(
      ["createdAt", "digest", "files", "message", "size", "version"].sort(),
    );

    const out = join(scratch, "out1");
    const checkout = await cli("data", "checkout", "digits@v1", out);
    expect(checkout.stderr).toBe("");
    expect(checkout.code).toBe(0);
    expect(readTree(out)).toEqual(readTree(source()));

    // A second checkout into the same folder finds every file in place.
    const again = await cli("data", "checkout", "digits@v1", out, "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ files: 6, unchanged: 6, downloadedChunks: 0 });
  });

  it("adding unchanged content makes no new version and says so", async () => {
    const before = await versions("digits");
    const again = await cli("data", "add", "digits", source());
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`v1 ${before[0]?.digest}\n`);
    expect(again.stderr).toMatch(/no new version was made/);
    expect(await versions("digits")).toEqual(before);
  });

  it("status says what changed on disk; diff says what changed between versions", async () => {
    const clean = await cli("data", "status", "digits@v1", source(), "--json");
    expect(JSON.parse(clean.stdout)).toMatchObject({ clean: true, unchanged: 6 });

    writeFileSync(join(source(), "a/b/c/d/e/deep.csv"), "x,y\n1,2\n3,4\n");
    unlinkSync(join(source(), "empty.txt"));
    writeFileSync(join(source(), "new.txt"), "fresh");
    chmodSync(join(source(), "run.sh"), 0o644);
    const status = JSON.parse((await cli("data", "status", "digits", source(), "--json")).stdout);
    expect(status.clean).toBe(false);
    expect(status.deleted).toEqual([{ path: "empty.txt", size: 0 }]);
    expect(status.added).toEqual([{ path: "new.txt", size: 5 }]);
    expect(status.modified).toEqual([
      {
        path: "a/b/c/d/e/deep.csv",
        oldSize: 8,
        newSize: 12,
        contentChanged: true,
        modeChanged: false,
      },
      { path: "run.sh", oldSize: 18, newSize: 18, contentChanged: false, modeChanged: true },
    ]);
    const text = await cli("data", "status", "digits@v1", source());
    expect(text.stdout).toMatch(/^modified {2}a\/b\/c\/d\/e\/deep\.csv/m);
    expect(text.stdout).toMatch(/^deleted {3}empty\.txt/m);
    expect(text.stdout).toMatch(/^added {5}new\.txt/m);

    const added = await cli("data", "add", "digits", source(), "-m", "second");
    expect(added.stdout).toMatch(/^v2 sha256:/);
    const diff = JSON.parse((await cli("data", "diff", "digits@v1", "digits@v2", "--json")).stdout);
    expect(diff.added).toEqual([{ path: "new.txt", size: 5 }]);
    expect(diff.removed).toEqual([{ path: "empty.txt", size: 0 }]);
    expect(diff.changed.map((c: { path: string }) => c.path)).toEqual([
      "a/b/c/d/e/deep.csv",
      "run.sh",
    ]);
    const diffText = await cli("data", "diff", "digits@v1", "digits@v2");
    expect(diffText.stdout).toMatch(/^added {4}new\.txt \(5 B\)$/m);
    expect(diffText.stdout).toMatch(/^removed {2}empty\.txt \(0 B\)$/m);
  });

  it("resolves time-travel references to the version current at that time", async () => {
    const [v1, v2] = await versions("digits");
    if (!v1 || !v2) throw new Error("need two versions");
    const show = async (ref: string) => {
      const r = await cli("data", "show", ref, "--json");
      expect(r.stderr).toBe("");
      return (JSON.parse(r.stdout) as VersionJson).version;
    };
    expect(await show(`digits@${v1.createdAt}`)).toBe("v1");
    expect(await show(`digits@${v2.createdAt}`)).toBe("v2");
    const between = new Date(Date.parse(v2.createdAt) - 1).toISOString();
    expect(await show(`digits@${between}`)).toBe("v1");
    expect(await show("digits@2999-01-01")).toBe("v2");
    expect(await show(`digits@${v1.digest.slice(7, 19)}`)).toBe("v1");
    expect(await show("digits")).toBe("v2");

    const out = join(scratch, "out-asof");
    const checkout = await cli("data", "checkout", `digits@${v1.createdAt}`, out);
    expect(checkout.code).toBe(0);
    expect(readTree(out).has("empty.txt")).toBe(true);
    expect(readTree(out).has("new.txt")).toBe(false);

    const early = await cli("data", "show", "digits@2000-01-01");
    expectOneLineError(early, new RegExp(v1.createdAt.slice(0, 16)));
  });

  it("bad input: each a one-line error and exit 1", async () => {
    expectOneLineError(
      await cli("data", "add", "digits", join(scratch, "nope")),
      /No such file or folder/,
    );
    const loop = join(scratch, "loop");
    mkdirSync(loop);
    symlinkSync(loop, join(loop, "again"));
    expectOneLineError(await cli("data", "add", "looped", loop), /loop/i);
    expectOneLineError(await cli("data", "show", "unknown-set"), /unknown-set/);
    expectOneLineError(await cli("data", "checkout", "digits@v99", join(scratch, "x")), /v99|99/);
    expectOneLineError(await cli("data", "show", "digits@2026-13-45"), /2026-13-45|date/i);
    expectOneLineError(await cli("data", "versions", "unknown-set"), /unknown-set/);
    expectOneLineError(await cli("data", "add", "bad name!", source()), /Invalid dataset name/);
  });
});
