import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_CHUNKER_PARAMS } from "../blobs/chunking/chunker-params.js";
import { digestOf } from "../blobs/digest.js";
import { FsBlobStore } from "../blobs/fs/fs-blob-store.js";
import { MANIFEST_FORMAT, type Manifest } from "../blobs/manifest/manifest-types.js";
import { BadRequestError } from "../domain/errors.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { openStore } from "../store/open-store.js";
import { createDataServices, type DataServices } from "./data-services.js";
import { createTrackingServices } from "./tracking-services.js";

const DAY = 24 * 3600_000;
let dir: string;
let store: MetadataStore;
let blobs: FsBlobStore;
let clock: number;
let data: DataServices;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "lockstep-datasets-"));
  store = await openStore(`sqlite:${join(dir, "meta.db")}`);
  blobs = await FsBlobStore.open(join(dir, "blobs"));
  clock = Date.UTC(2026, 1, 28, 23);
  const now = () => clock;
  const tracking = createTrackingServices({ store, blobs, now });
  data = createDataServices({ store, blobs, runs: tracking.runs, now });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function add(name: string, text: string, at: number) {
  clock = at;
  const bytes = Buffer.from(text);
  const digest = digestOf(bytes);
  await blobs.put(bytes);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    chunker: { ...DEFAULT_CHUNKER_PARAMS },
    files: [
      { path: "f.txt", size: bytes.length, mode: 0o644, chunks: [{ digest, size: bytes.length }] },
    ],
  };
  return (await data.datasets.addVersion(name, { manifest })).version;
}

describe("dataset time travel", () => {
  it("reads a date as midnight UTC and a time as that instant, inclusive", async () => {
    const v1 = await add("digits", "one", Date.UTC(2026, 1, 28, 23));
    const v2 = await add("digits", "two", Date.UTC(2026, 2, 1, 10));
    const v3 = await add("digits", "three", Date.UTC(2026, 2, 2));
    const at = (ref: string) => data.datasets.resolve(ref);
    expect(await at("digits@2026-03-01")).toEqual(v1);
    expect(await at("digits@2026-03-01T09:59:59.999Z")).toEqual(v1);
    expect(await at("digits@2026-03-01T10:00:00Z")).toEqual(v2);
    expect(await at("digits@2026-03-01T12:00:00+02:00")).toEqual(v2);
    expect(await at("digits@2026-03-02")).toEqual(v3);
    await expect(at("digits@2026-02-28")).rejects.toThrow(
      new BadRequestError(
        "digits@2026-02-28: dataset digits has no version at or before 2026-02-28T00:00:00.000Z; its first version (v1) was created at 2026-02-28T23:00:00.000Z",
      ),
    );
  });

  it("keeps version times strictly increasing when the server clock steps back", async () => {
    const v1 = await add("clock", "a", 10_000);
    const v2 = await add("clock", "b", 5_000);
    const v3 = await add("clock", "c", 10_000);
    expect([v1.createdAt, v2.createdAt, v3.createdAt]).toEqual([10_000, 10_001, 10_002]);
  });
});

describe("garbage collection over time", () => {
  it("applies keepWithinDays, keeps the latest version, and spares roots from providers", async () => {
    // Blob files carry the real time of writing; the clock runs ahead of it.
    const start = Date.now();
    const old = await add("aged", "old", start);
    const mid = await add("aged", "mid", start + 8 * DAY);
    const latest = await add("aged", "new", start + 9 * DAY);
    await store.datasets.setRetention("aged", { keepWithinDays: 3 });
    const model = await blobs.put(Buffer.from("registered model weights"));
    data.gc.addRootProvider(async function* () {
      yield model.digest;
    });
    // Twenty days on, every blob file is past the grace by its time of writing.
    clock = start + 20 * DAY;
    const report = await data.gc.run();
    expect(report.deletedVersions).toEqual([
      { name: "aged", version: "v1", digest: old.digest },
      { name: "aged", version: "v2", digest: mid.digest },
    ]);
    expect(report.deletedBlobs).toBe(4);
    expect(await store.datasets.versions("aged")).toEqual([latest]);
    expect(await blobs.has(model.digest)).toBe(true);
    expect(await blobs.has(digestOf(Buffer.from("new")))).toBe(true);
    expect(await blobs.has(digestOf(Buffer.from("old")))).toBe(false);
    const verify = await data.verify.run();
    expect(verify).toEqual({ checked: 3, missing: [], corrupt: [] });
  });

  it("counts a provider's roots as references when verifying", async () => {
    const gone = digestOf(Buffer.from("lost model"));
    data.gc.addRootProvider(async function* () {
      yield gone;
    });
    expect(await data.verify.run()).toEqual({ checked: 0, missing: [gone], corrupt: [] });
  });
});
