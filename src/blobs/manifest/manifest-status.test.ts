import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pseudoRandomBytes } from "../../../test/support/test-bytes.js";
import { chunkerParamsFor } from "../chunking/chunker-params.js";
import { buildManifest } from "./build-manifest.js";
import { statusAgainst } from "./manifest-status.js";

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lockstep-status-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder whose files are old enough for the stat cache to trust. */
async function folder(): Promise<{ root: string; cache: string }> {
  const root = join(dir, `case${n++}`);
  mkdirSync(join(root, "sub"), { recursive: true });
  writeFileSync(join(root, "same"), "unchanged");
  writeFileSync(join(root, "edit"), pseudoRandomBytes(20_000, 1));
  writeFileSync(join(root, "sub", "gone"), "bye");
  writeFileSync(join(root, "empty"), "");
  await sleep(80);
  return { root, cache: join(dir, `cache${n}.json`) };
}

describe("statusAgainst", () => {
  it("reports unchanged, modified, added and deleted files", async () => {
    const { root, cache } = await folder();
    const { manifest } = await buildManifest(root, { statCachePath: cache });
    expect(await statusAgainst(manifest, root, { statCachePath: cache })).toEqual({
      unchanged: ["edit", "empty", "same", "sub/gone"],
      modified: [],
      added: [],
      deleted: [],
    });
    const bytes = Buffer.from(readFileSync(join(root, "edit")));
    bytes[10_000] = (bytes[10_000] as number) ^ 1;
    writeFileSync(join(root, "edit"), bytes);
    rmSync(join(root, "sub", "gone"));
    writeFileSync(join(root, "sub", "new"), "hi");
    chmodSync(join(root, "same"), 0o700);
    const status = await statusAgainst(manifest, root, { statCachePath: cache });
    expect(status).toEqual({
      unchanged: ["empty"],
      modified: [
        {
          path: "edit",
          oldSize: 20_000,
          newSize: 20_000,
          contentChanged: true,
          modeChanged: false,
        },
        { path: "same", oldSize: 9, newSize: 9, contentChanged: false, modeChanged: true },
      ],
      added: [{ path: "sub/new", size: 2 }],
      deleted: [{ path: "sub/gone", size: 3 }],
    });
  });

  it("re-hashes a file whose stat moved and finds it unchanged when the bytes are equal", async () => {
    const { root, cache } = await folder();
    const params = chunkerParamsFor({ minSize: 256, avgSize: 1024, maxSize: 4096 });
    const { manifest } = await buildManifest(root, { params, statCachePath: cache });
    writeFileSync(join(root, "edit"), readFileSync(join(root, "edit")));
    const status = await statusAgainst(manifest, root, { statCachePath: cache });
    expect(status.unchanged).toEqual(["edit", "empty", "same", "sub/gone"]);
  });

  it("catches a same-size edit with the mtime put back (ctime moves)", async () => {
    const { root, cache } = await folder();
    const { manifest } = await buildManifest(root, { statCachePath: cache });
    const before = statSync(join(root, "same"));
    writeFileSync(join(root, "same"), "UNCHANGED");
    utimesSync(join(root, "same"), before.atime, before.mtime);
    const status = await statusAgainst(manifest, root, { statCachePath: cache });
    expect(status.modified.map((m) => m.path)).toEqual(["same"]);
  });

  it("trusts the stat cache instead of reading unchanged files", async () => {
    const { root, cache } = await folder();
    const { manifest } = await buildManifest(root, { statCachePath: cache });
    // Tamper with what the cache says "same" hashed to (its key follows its path): status believes it.
    const bytes = readFileSync(cache);
    const at = bytes.indexOf("\0same\0sha256:");
    expect(at).toBeGreaterThan(0);
    bytes.write("0".repeat(64), at + "\0same\0sha256:".length, "latin1");
    writeFileSync(cache, bytes);
    const status = await statusAgainst(manifest, root, { statCachePath: cache });
    expect(status.modified.map((m) => m.path)).toEqual(["same"]);
    // Without the cache it reads the file and sees it is unchanged.
    expect((await statusAgainst(manifest, root)).modified).toEqual([]);
  });

  it("does not trust files modified just before they were hashed", async () => {
    const { root, cache } = await folder();
    writeFileSync(join(root, "same"), "fresh one");
    await buildManifest(root, { statCachePath: cache });
    const data = readFileSync(cache);
    expect(data.includes("\0same\0")).toBe(false);
    expect(data.includes("\0edit\0")).toBe(true);
  });

  it("ignores a damaged cache and fails on a missing folder", async () => {
    const { root, cache } = await folder();
    const { manifest } = await buildManifest(root);
    writeFileSync(cache, "{not json");
    expect((await statusAgainst(manifest, root, { statCachePath: cache })).unchanged).toHaveLength(
      4,
    );
    await expect(statusAgainst(manifest, join(root, "nope"))).rejects.toThrow(
      `No such file or folder: ${join(root, "nope")}`,
    );
  });

  it("leaves a stat cache kept inside the folder out of the status", async () => {
    const { root } = await folder();
    const cache = join(root, ".lockstep-stat-cache");
    const { manifest } = await buildManifest(root, { statCachePath: cache });
    expect(manifest.files.map((f) => f.path)).not.toContain(".lockstep-stat-cache");
    const status = await statusAgainst(manifest, root, { statCachePath: cache });
    expect(status.added).toEqual([]);
  });
});
