import { randomBytes } from "node:crypto";
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  unlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  collect,
  listAll,
  sha256,
  unverifiedBytes,
} from "../../../test/support/blob-store-contract.js";
import { flipByteAt } from "../../../test/support/stored-blob.js";
import { BlobCorruptError } from "../blob-store.js";
import { decodePack, PACK_END, PACK_MAGIC } from "../pack/pack-codec.js";
import { FsBlobStore } from "./fs-blob-store.js";
import { PackFileWriter } from "./pack-file.js";

describe("FsBlobStore packed blobs", () => {
  let root: string;
  let store: FsBlobStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "lockstep-packs-"));
    store = await FsBlobStore.open(root);
  });
  afterEach(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  const packFiles = async () =>
    (await readdir(join(root, "packs"))).filter((name) => name.endsWith(".pack")).sort();

  async function storeBatch(blobs: Buffer[]): Promise<string[]> {
    const batch = store.batch();
    for (const bytes of blobs) await batch.add(sha256(bytes), bytes);
    await batch.commit();
    return blobs.map((b) => sha256(b));
  }

  it("reads every packed blob back through each reader, and lists, stats and dates it", async () => {
    const blobs = [Buffer.alloc(0), randomBytes(70_000), randomBytes(2 * 1024 * 1024 + 3)];
    const before = Date.now();
    const digests = await storeBatch(blobs);
    expect(await packFiles()).toHaveLength(1);
    for (const [i, digest] of digests.entries()) {
      const bytes = blobs[i] as Buffer;
      expect(Buffer.from((await store.getBytes(digest)) ?? []).equals(bytes)).toBe(true);
      expect((await unverifiedBytes(store, digest))?.equals(bytes)).toBe(true);
      expect((await collect((await store.get(digest)) as Readable)).equals(bytes)).toBe(true);
      expect(await store.stat(digest)).toEqual({ size: bytes.length });
      expect(await store.verify(digest)).toBe("ok");
      expect(await store.writtenAt(digest)).toBeGreaterThanOrEqual(before);
    }
    expect(await listAll(store)).toEqual([...digests].sort());
  });

  it("lists a blob stored both loose and packed once, and deletes both copies", async () => {
    const bytes = Buffer.from("twice");
    const [digest] = await storeBatch([bytes]);
    // What a put racing the batch leaves: a loose copy beside the packed one.
    const loose = store.pathOf(digest as string);
    await mkdir(dirname(loose), { recursive: true });
    await writeFile(loose, bytes);
    expect(await listAll(store)).toEqual([digest]);
    expect(await store.delete(digest as string)).toBe(true);
    expect(await store.has(digest as string)).toBe(false);
    expect(await store.delete(digest as string)).toBe(false);
  });

  it("hands out adjacent packed frames as one range of the pack, and the rest frame by frame", async () => {
    const blobs = [randomBytes(5000), randomBytes(6000), randomBytes(7000)];
    const [a, b, c] = await storeBatch(blobs);
    const loose = await store.put(Buffer.from("loose"));
    const pieces: Uint8Array[] = [];
    for await (const piece of store.frames([a, b, c, loose.digest, b] as string[]))
      pieces.push(piece);
    const first = store.locate(a as string);
    const pack = await readFile(first?.path as string);
    const runEnd = (store.locate(c as string)?.offset as number) + 7000;
    expect(
      Buffer.from(pieces[0] as Uint8Array).equals(
        pack.subarray((first?.offset as number) - 37, runEnd),
      ),
    ).toBe(true);
    const entries = [];
    for await (const entry of decodePack([PACK_MAGIC, ...pieces, PACK_END], {
      maxBlobs: 10,
      maxBlobBytes: 10_000,
    }))
      entries.push(entry);
    expect(entries.map((e) => e.digest)).toEqual([a, b, c, loose.digest, b]);
    expect(entries.map((e) => Buffer.from(e.bytes).toString("hex"))).toEqual(
      [...blobs, Buffer.from("loose"), blobs[1] as Buffer].map((x) => x.toString("hex")),
    );
    const absent = sha256(Buffer.from("absent"));
    await expect(collect(store.frames([a as string, absent]))).rejects.toThrow(
      `blob ${absent} not found`,
    );
  });

  it("keeps one entry when two batches race to store the same blob", async () => {
    const shared = randomBytes(1000);
    const first = store.batch();
    const second = store.batch();
    await first.add(sha256(shared), shared);
    await second.add(sha256(shared), shared);
    expect(await first.commit()).toEqual({ stored: [sha256(shared)], present: [] });
    expect(await second.commit()).toEqual({ stored: [], present: [sha256(shared)] });
    expect(await listAll(store)).toEqual([sha256(shared)]);
    expect(await store.verify(sha256(shared))).toBe("ok");
  });

  describe("damage", () => {
    const bytes = randomBytes(200_000);
    const digest = sha256(bytes);

    beforeEach(async () => {
      await storeBatch([randomBytes(1000), bytes]);
    });

    it("a flipped byte is caught by getBytes, get and verify; frames hands it on", async () => {
      const at = store.locate(digest);
      flipByteAt(at?.path as string, (at?.offset as number) + 70_000);
      await expect(store.getBytes(digest)).rejects.toBeInstanceOf(BlobCorruptError);
      let received = 0;
      const read = (async () => {
        for await (const chunk of (await store.get(digest)) as Readable) received += chunk.length;
      })();
      await expect(read).rejects.toBeInstanceOf(BlobCorruptError);
      expect(received).toBeLessThan(bytes.length);
      expect(await store.verify(digest)).toBe("corrupt");
      expect((await unverifiedBytes(store, digest))?.byteLength).toBe(bytes.length);
    });

    it("a pack cut short makes its last blob corrupt, not a hang or a crash", async () => {
      const at = store.locate(digest);
      await truncate(at?.path as string, (at?.offset as number) + 1000);
      expect(await store.verify(digest)).toBe("corrupt");
      await expect(store.getBytes(digest)).rejects.toBeInstanceOf(BlobCorruptError);
      await expect(unverifiedBytes(store, digest)).rejects.toThrow(/cut short/);
    });

    it("a pack file removed behind the store's back makes its blobs missing", async () => {
      await unlink(store.locate(digest)?.path as string);
      expect(await store.has(digest)).toBe(false);
      expect(await store.stat(digest)).toBeUndefined();
      expect(await store.statMany([digest, digest])).toEqual([undefined, undefined]);
      const reopened = await FsBlobStore.open(root);
      try {
        expect(await reopened.verify(digest)).toBe("missing");
        expect(await reopened.get(digest)).toBeUndefined();
        expect(await reopened.getBytes(digest)).toBeUndefined();
      } finally {
        await reopened.close();
      }
    });
  });

  describe("compaction", () => {
    it("removes packs with nothing left and rewrites mostly dead ones, keeping the rest readable", async () => {
      const gone = await storeBatch([randomBytes(50_000), randomBytes(50_000)]);
      const mixedBytes = Array.from({ length: 10 }, () => randomBytes(30_000));
      const mixed = await storeBatch(mixedBytes);
      const kept = await storeBatch([randomBytes(40_000)]);
      // Read once so the reader caches a descriptor of the pack about to be rewritten.
      await store.getBytes(mixed[9] as string);
      const mixedPack = store.locate(mixed[0] as string)?.path as string;
      const mixedSize = (await stat(mixedPack)).size;
      for (const digest of [...gone, ...mixed.slice(0, 7)]) await store.delete(digest);

      const report = await store.compact();
      expect(report.packsRemoved).toBe(1);
      expect(report.packsRewritten).toBe(1);
      const rewritten = store.locate(mixed[9] as string)?.path as string;
      expect(rewritten).not.toBe(mixedPack);
      expect(report.bytesFreed).toBe(
        100_000 + 2 * 37 + 9 + (mixedSize - (await stat(rewritten)).size),
      );
      expect(await packFiles()).toHaveLength(2);
      for (const [i, digest] of mixed.entries()) {
        if (i < 7) expect(await store.has(digest)).toBe(false);
        else
          expect(
            Buffer.from((await store.getBytes(digest)) ?? []).equals(mixedBytes[i] as Buffer),
          ).toBe(true);
      }
      expect(await store.verify(kept[0] as string)).toBe("ok");
      expect(await store.compact()).toEqual({ packsRemoved: 0, packsRewritten: 0, bytesFreed: 0 });
    });

    it("leaves a damaged pack in place for verify to report", async () => {
      const digests = await storeBatch([
        randomBytes(10_000),
        randomBytes(10_000),
        randomBytes(10_000),
      ]);
      const at = store.locate(digests[2] as string);
      await truncate(at?.path as string, (at?.offset as number) + 10);
      await store.delete(digests[0] as string);
      await store.delete(digests[1] as string);
      expect(await store.compact()).toMatchObject({ packsRewritten: 0, packsRemoved: 0 });
      expect(await store.verify(digests[2] as string)).toBe("corrupt");
    });
  });

  describe("recovery on open", () => {
    async function unregisteredPack(blobs: Buffer[], ageMs: number): Promise<string> {
      const writer = new PackFileWriter(join(root, "packs", "orphan.pack"));
      for (const bytes of blobs) await writer.add(sha256(bytes), bytes);
      await writer.finish();
      const then = new Date(Date.now() - ageMs);
      await utimes(writer.path, then, then);
      return writer.path;
    }

    it("registers the intact blobs of a stale pack a crash left out of the index", async () => {
      const good = randomBytes(5000);
      const bad = randomBytes(5000);
      const path = await unregisteredPack([good, bad], 0);
      // Magic, then a 37-byte frame header before each blob: a byte inside `bad`.
      flipByteAt(path, 8 + 37 + 5000 + 37 + 10);
      const then = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await utimes(path, then, then);
      const reopened = await FsBlobStore.open(root);
      try {
        expect(await listAll(reopened)).toEqual([sha256(good)]);
        expect(Buffer.from((await reopened.getBytes(sha256(good))) ?? []).equals(good)).toBe(true);
      } finally {
        await reopened.close();
      }
    });

    it("rebuilds a lost index from the packs", async () => {
      const blobs = [randomBytes(3000), randomBytes(4000)];
      const digests = await storeBatch(blobs);
      await store.close();
      for (const suffix of ["", "-wal", "-shm"]) {
        await rm(join(root, "packs", `index.sqlite${suffix}`), { force: true });
      }
      store = await FsBlobStore.open(root);
      expect(await listAll(store)).toEqual([...digests].sort());
      for (const [i, digest] of digests.entries()) {
        expect(Buffer.from((await store.getBytes(digest)) ?? []).equals(blobs[i] as Buffer)).toBe(
          true,
        );
      }
    });

    it("leaves a fresh unregistered pack alone (a batch may be writing it) and removes a useless stale one", async () => {
      const path = await unregisteredPack([randomBytes(100)], 0);
      const reopened = await FsBlobStore.open(root);
      expect(await listAll(reopened)).toEqual([]);
      expect(await packFiles()).toEqual(["orphan.pack"]);
      await reopened.close();
      await truncate(path, 20);
      const then = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await utimes(path, then, then);
      const again = await FsBlobStore.open(root);
      expect(await listAll(again)).toEqual([]);
      expect(await packFiles()).toEqual([]);
      await again.close();
    });
  });
});
