import { createHash } from "node:crypto";
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  describeBlobStore,
  listAll,
  sha256,
  unverifiedBytes,
} from "../../../test/support/blob-store-contract.js";
import { FsBlobStore } from "./fs-blob-store.js";

async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), "lockstep-blobs-"));
}

describeBlobStore("fs", async () => {
  const root = await tempRoot();
  const store = await FsBlobStore.open(root);
  return {
    store,
    async tamper(digest, change) {
      const path = store.pathOf(digest);
      await chmod(path, 0o644);
      await writeFile(path, change(await readFile(path)));
      await chmod(path, 0o444);
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe("FsBlobStore on disk", () => {
  let root: string;
  let store: FsBlobStore;

  beforeEach(async () => {
    root = await tempRoot();
    store = await FsBlobStore.open(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const tempFiles = () => readdir(join(root, "tmp"));
  const packFiles = async () =>
    (await readdir(join(root, "packs"))).filter((name) => name.endsWith(".pack"));

  it("creates its folders, even nested ones", async () => {
    const nested = join(root, "a", "b");
    await FsBlobStore.open(nested);
    expect((await readdir(nested)).sort()).toEqual(["packs", "sha256", "tmp"]);
  });

  it("lays blobs out as read-only files under sha256/ab/cd/<hex>", async () => {
    const { digest } = await store.put(Buffer.from("abc"));
    const hex = digest.slice("sha256:".length);
    const path = join(root, "sha256", hex.slice(0, 2), hex.slice(2, 4), hex);
    expect(store.pathOf(digest)).toBe(path);
    expect((await stat(path)).mode & 0o777).toBe(0o444);
    expect(await readFile(path, "utf8")).toBe("abc");
    expect(await tempFiles()).toEqual([]);
  });

  it("leaves no temp file behind after a dedup, a mismatch or a failed source", async () => {
    await store.put(Buffer.from("x"));
    await store.put(Buffer.from("x"));
    await store.put(Buffer.from("y"), { expectedDigest: sha256(Buffer.from("x")) }).catch(() => {});
    async function* failing() {
      yield Buffer.from("partial");
      throw new Error("boom");
    }
    await store.put(failing()).catch(() => {});
    expect(await tempFiles()).toEqual([]);
  });

  it("streams a 50 MB blob in and out without holding it in memory", async () => {
    const chunkSize = 1024 * 1024;
    const chunks = 50;
    const expected = createHash("sha256");
    const lagging: number[] = [];
    async function* generate() {
      for (let i = 0; i < chunks; i++) {
        // The store must have written what it pulled before asking for more.
        const [temp] = await tempFiles();
        const written = temp === undefined ? 0 : (await stat(join(root, "tmp", temp))).size;
        if (written < (i - 1) * chunkSize) lagging.push(i);
        const chunk = Buffer.alloc(chunkSize, i);
        chunk.writeUInt32BE(i * 7919, 100);
        expected.update(chunk);
        yield chunk;
      }
    }
    const { digest, size } = await store.put(generate());
    expect(lagging).toEqual([]);
    expect(size).toBe(chunks * chunkSize);
    expect(digest).toBe(`sha256:${expected.digest("hex")}`);

    const readBack = createHash("sha256");
    let largest = 0;
    for await (const chunk of (await store.get(digest)) as Readable) {
      readBack.update(chunk);
      largest = Math.max(largest, chunk.length);
    }
    expect(`sha256:${readBack.digest("hex")}`).toBe(digest);
    expect(largest).toBeLessThanOrEqual(chunkSize);
  });

  it("never lists leftover temp files or stray files as blobs", async () => {
    const { digest } = await store.put(Buffer.from("real"));
    await writeFile(join(root, "tmp", "crashed-upload.tmp"), "half a blob");
    const hex = sha256(Buffer.from("other")).slice("sha256:".length);
    const dir = join(root, "sha256", hex.slice(0, 2), hex.slice(2, 4));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${hex}.tmp`), "x");
    await writeFile(join(dir, "notes.txt"), "x");
    // A well-formed name in the wrong fan-out folder is not where a blob lives.
    const misplaced = sha256(Buffer.from("misplaced")).slice("sha256:".length);
    await writeFile(join(dir, misplaced), "misplaced");
    expect(await listAll(store)).toEqual([digest]);
  });

  it("sweeps temp files older than an hour on open and keeps fresh ones", async () => {
    const stale = join(root, "tmp", "stale.tmp");
    const fresh = join(root, "tmp", "fresh.tmp");
    await writeFile(stale, "old");
    await writeFile(fresh, "new");
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    await FsBlobStore.open(root);
    expect(await tempFiles()).toEqual(["fresh.tmp"]);
  });

  it("replaces a truncated copy when the same bytes are put again", async () => {
    const bytes = Buffer.alloc(10_000, 3);
    const { digest } = await store.put(bytes);
    const path = store.pathOf(digest);
    await chmod(path, 0o644);
    await writeFile(path, bytes.subarray(0, 5000));
    expect(await store.verify(digest)).toBe("corrupt");
    await store.put(bytes);
    expect(await store.verify(digest)).toBe("ok");
    expect((await stat(path)).mode & 0o777).toBe(0o444);
  });

  it("opens the same folder again and finds what was stored", async () => {
    const { digest } = await store.put(Buffer.from("persisted"));
    const reopened = await FsBlobStore.open(root);
    expect(Buffer.from((await reopened.getBytes(digest)) ?? []).toString()).toBe("persisted");
  });

  it("makes a batch visible only on commit, in one read-only pack, counting those it holds", async () => {
    const earlier = store.batch();
    await earlier.add(sha256(Buffer.from("already here")), Buffer.from("already here"));
    await earlier.commit();
    const held = { digest: sha256(Buffer.from("already here")) };
    const fresh = Array.from({ length: 40 }, (_, i) => Buffer.from(`blob ${i} `.repeat(i + 1)));
    const batch = store.batch();
    for (const bytes of fresh) await batch.add(sha256(bytes), bytes);
    await batch.add(held.digest, Buffer.from("already here"));
    await batch.add(sha256(fresh[0] as Buffer), fresh[0] as Buffer);
    expect(await store.has(sha256(fresh[3] as Buffer))).toBe(false);
    const { stored, present } = await batch.commit();
    expect(stored.sort()).toEqual(fresh.map((b) => sha256(b)).sort());
    expect(present).toEqual([held.digest]);
    const packs = new Set<string>();
    for (const bytes of fresh) {
      expect(Buffer.from((await store.getBytes(sha256(bytes))) ?? []).equals(bytes)).toBe(true);
      packs.add(store.locate(sha256(bytes))?.path as string);
    }
    expect(packs.size).toBe(1);
    expect((await stat([...packs][0] as string)).mode & 0o777).toBe(0o444);
    expect(await packFiles()).toHaveLength(2);
    expect(await tempFiles()).toEqual([]);
    await expect(batch.add(held.digest, Buffer.from("late"))).rejects.toThrow(/already committed/);
  });

  it("stores nothing of an aborted batch and refuses bytes that do not match", async () => {
    const batch = store.batch();
    const kept = Buffer.from("staged then dropped");
    await batch.add(sha256(kept), kept);
    await expect(batch.add(sha256(Buffer.from("x")), Buffer.from("y"))).rejects.toThrow(
      `Content digest ${sha256(Buffer.from("y"))} does not match the expected ${sha256(Buffer.from("x"))}`,
    );
    await batch.abort();
    expect(await store.has(sha256(kept))).toBe(false);
    expect(await tempFiles()).toEqual([]);
    expect(await packFiles()).toEqual([]);
    expect(await listAll(store)).toEqual([]);
  });

  it("hands out stored bytes unverified only through frames", async () => {
    const { digest } = await store.put(Buffer.from("original"));
    const path = store.pathOf(digest);
    await chmod(path, 0o644);
    await writeFile(path, "tampered");
    expect((await unverifiedBytes(store, digest))?.toString()).toBe("tampered");
    await expect(store.getBytes(digest)).rejects.toThrow(/corrupt/);
    expect(await unverifiedBytes(store, sha256(Buffer.from("absent")))).toBeUndefined();
  });
});
