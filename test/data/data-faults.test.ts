import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildManifest } from "../../src/blobs/manifest/build-manifest.js";
import { startTestServer, type TestServer } from "../sdk/test-server.js";
import { flipStoredByte } from "../support/stored-blob.js";
import {
  cliFor,
  expectOneLineError,
  randomBytesFrom,
  readTree,
  scratchDir,
  spawnCli,
  writeTree,
} from "./data-support.js";

let server: TestServer;
let scratch: string;
let home: string;
let cli: ReturnType<typeof cliFor>;

beforeAll(async () => {
  server = await startTestServer();
  scratch = scratchDir("faults");
  home = join(scratch, "home");
  cli = cliFor(server.url, home);
});

afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function missingOf(digests: string[]): Promise<string[]> {
  const res = await fetch(`${server.url}/api/v1/blobs/missing`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ digests }),
  });
  return ((await res.json()) as { missing: string[] }).missing;
}

/** Polls until more than `count` of `digests` are stored (or the child exits). */
async function waitForUploads(
  digests: string[],
  count: number,
  child: { exitCode: number | null },
) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const stored = digests.length - (await missingOf(digests)).length;
    if (stored > count) return stored;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`only ${stored} uploaded`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("faults", { timeout: 180_000 }, () => {
  it("an add killed half-way leaves no version; the next add uploads only what is missing", async () => {
    const folder = join(scratch, "big");
    writeTree(folder, { "big.bin": { bytes: randomBytesFrom(11, 24 * 1024 * 1024) } });
    const digests = [...(await buildManifest(folder)).chunks.keys()];
    const child = spawnCli(["--tracking-uri", server.url, "data", "add", "killed", folder], home);
    const stored = await waitForUploads(digests, 20, child);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    // PUTs whose bytes had all arrived may still land after the kill: wait until the count settles.
    let after = -1;
    for (let settled = false; !settled; ) {
      await new Promise((r) => setTimeout(r, 300));
      const now = digests.length - (await missingOf(digests)).length;
      settled = now === after;
      after = now;
    }
    expect(after).toBeLessThan(digests.length);
    expect(stored).toBeGreaterThan(20);

    expectOneLineError(await cli("data", "versions", "killed"), /killed/);
    const resumed = await cli("data", "add", "killed", folder, "--json");
    expect(resumed.code).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(result).toMatchObject({ version: "v1", created: true, chunks: digests.length });
    expect(result.uploadedChunks).toBe(digests.length - after);
    expect(await missingOf(digests)).toEqual([]);
  });

  it("gc during an add does not delete the chunks it is uploading", async () => {
    const folder = join(scratch, "gc");
    writeTree(folder, { "data.bin": { bytes: randomBytesFrom(21, 16 * 1024 * 1024) } });
    const digests = [...(await buildManifest(folder)).chunks.keys()];
    const child = spawnCli(
      ["--tracking-uri", server.url, "data", "add", "during-gc", folder],
      home,
    );
    const finished = new Promise<number | null>((r) => child.once("exit", r));
    await waitForUploads(digests, 10, child);
    const gc = await cli("data", "gc", "--json");
    expect(gc.code).toBe(0);
    expect(await finished).toBe(0);
    const out = join(scratch, "gc-out");
    const checkout = await cli("data", "checkout", "during-gc", out);
    expect(checkout.stderr).toBe("");
    expect(readTree(out)).toEqual(readTree(folder));
  });

  it("a corrupted blob is found by verify and refused by checkout", async () => {
    const folder = join(scratch, "small");
    writeTree(folder, { "a.txt": { bytes: randomBytesFrom(5, 100_000) } });
    const added = await cli("data", "add", "fragile", folder);
    expect(added.code).toBe(0);
    expect((await cli("data", "verify")).code).toBe(0);

    const manifest = (await buildManifest(folder)).manifest;
    const digest = manifest.files[0]?.chunks[1]?.digest as string;
    flipStoredByte(join(server.dir, "blobs"), digest, 100);

    const verify = await cli("data", "verify");
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`corrupt  ${digest}`);
    expect(verify.stderr).toMatch(new RegExp(`^error: .*${digest}`));

    const checkout = await cli("data", "checkout", "fragile", join(scratch, "fragile-out"));
    expectOneLineError(checkout, new RegExp(digest));
    expect(readTree(join(scratch, "fragile-out")).size).toBe(0);
  });
});
