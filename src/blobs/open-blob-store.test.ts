import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openBlobStore } from "./open-blob-store.js";

describe("openBlobStore", () => {
  let base: string;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "lockstep-open-blobs-"));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  async function roundTrip(url: string, folder: string) {
    const store = await openBlobStore(url);
    const { digest } = await store.put(Buffer.from("hello"));
    expect(Buffer.from((await store.getBytes(digest)) ?? []).toString()).toBe("hello");
    expect((await readdir(folder)).sort()).toEqual(["packs", "sha256", "tmp"]);
  }

  it("opens a plain path, creating the folder", async () => {
    const folder = join(base, "a", "blobs");
    await roundTrip(folder, folder);
  });

  it("opens a relative path against the working directory", async () => {
    const folder = join(base, "rel");
    await roundTrip(relative(process.cwd(), folder), folder);
  });

  it("opens a file:// URL", async () => {
    const folder = join(base, "with space");
    await roundTrip(pathToFileURL(folder).href, folder);
  });

  it("opens a file:<path> location", async () => {
    const folder = join(base, "plain-file-scheme");
    await roundTrip(`file:${folder}`, folder);
  });

  it("says S3 is not supported yet", async () => {
    await expect(openBlobStore("s3://bucket/prefix")).rejects.toThrow(
      "S3 blob stores are not supported yet",
    );
  });

  it.each([
    ["an unknown scheme", "gs://bucket", /Unsupported blob store URL/],
    ["an empty location", "", /empty/],
    ["an empty file: location", "file:", /empty/],
    ["a file URL with a remote host", "file://server/share", /Invalid file URL/],
  ])("rejects %s", async (_case, url, message) => {
    await expect(openBlobStore(url)).rejects.toThrow(message);
  });
});
