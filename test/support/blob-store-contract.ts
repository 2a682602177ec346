import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlobCorruptError, type BlobStore } from "../../src/blobs/blob-store.js";
import { BadRequestError, NotFoundError } from "../../src/domain/errors.js";

/** A store under test plus what the suite needs to reach behind its back. */
export interface BlobStoreFixture {
  store: BlobStore;
  /** Rewrites the stored bytes of a blob, bypassing the store (to simulate damage). */
  tamper(digest: string, change: (bytes: Buffer) => Buffer): Promise<void>;
  cleanup(): Promise<void>;
}

const EMPTY = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const ABC = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The bytes `frames` hands out for one blob, as stored (not verified). */
export async function unverifiedBytes(
  store: BlobStore,
  digest: string,
): Promise<Buffer | undefined> {
  let bytes: Buffer | undefined;
  try {
    const raw = await collect(store.frames([digest]));
    for (const entry of decodeFrames(raw)) bytes = entry;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  return bytes;
}

/** Frame bodies of a frames() stream: 37-byte headers (type, digest, u32 length), then bytes. */
function* decodeFrames(raw: Buffer): Generator<Buffer> {
  for (let at = 0; at < raw.length; ) {
    const size = raw.readUInt32BE(at + 33);
    yield raw.subarray(at + 37, Math.min(raw.length, at + 37 + size));
    at += 37 + size;
  }
}

export async function listAll(store: BlobStore): Promise<string[]> {
  const digests: string[] = [];
  for await (const digest of store.list()) digests.push(digest);
  return digests.sort();
}

/** The behaviour every BlobStore adapter must share; run once per adapter. */
export function describeBlobStore(name: string, open: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it("stores the empty blob", async () => {
      expect(await store.put(new Uint8Array(0))).toEqual({ digest: EMPTY, size: 0 });
      expect((await store.getBytes(EMPTY))?.byteLength).toBe(0);
      const stream = await store.get(EMPTY);
      expect(stream).toBeDefined();
      expect((await collect(stream as Readable)).byteLength).toBe(0);
      expect(await store.stat(EMPTY)).toEqual({ size: 0 });
      expect(await store.statMany([ABC, EMPTY, EMPTY])).toEqual([
        undefined,
        { size: 0 },
        { size: 0 },
      ]);
      expect(await store.verify(EMPTY)).toBe("ok");
      expect(await listAll(store)).toEqual([EMPTY]);
    });

    it("names a blob by the SHA-256 of its bytes, whatever the source", async () => {
      const bytes = Buffer.from("abc");
      async function* chunks() {
        yield Buffer.from("a");
        yield Buffer.from("bc");
      }
      expect(await store.put(bytes)).toEqual({ digest: ABC, size: 3 });
      expect(await store.put(Readable.from([Buffer.from("ab"), Buffer.from("c")]))).toEqual({
        digest: ABC,
        size: 3,
      });
      expect(await store.put(chunks())).toEqual({ digest: ABC, size: 3 });
      expect(await store.put(Readable.from(["a", "bc"], { objectMode: true }))).toEqual({
        digest: ABC,
        size: 3,
      });
      expect(Buffer.from((await store.getBytes(ABC)) ?? []).toString()).toBe("abc");
      expect(await listAll(store)).toEqual([ABC]);
    });

    it("stores many small chunks even when the producer reuses its buffer", async () => {
      const buffer = Buffer.alloc(1000);
      const expected = createHash("sha256");
      async function* reused() {
        for (let i = 0; i < 4000; i++) {
          buffer.fill(i % 251);
          buffer.writeUInt32BE(i, 0);
          expected.update(buffer);
          yield buffer;
        }
      }
      const { digest, size } = await store.put(reused());
      expect(size).toBe(4_000_000);
      expect(digest).toBe(`sha256:${expected.digest("hex")}`);
      expect(await store.verify(digest)).toBe("ok");
    });

    it("keeps one copy of bytes stored twice", async () => {
      const first = await store.put(Buffer.from("same bytes"));
      const second = await store.put(Readable.from([Buffer.from("same "), Buffer.from("bytes")]));
      expect(second).toEqual(first);
      expect(await listAll(store)).toEqual([first.digest]);
    });

    it("lets concurrent puts of the same bytes all succeed", async () => {
      const chunk = Buffer.alloc(64 * 1024, 7);
      async function* slow() {
        for (let i = 0; i < 16; i++) {
          await new Promise((done) => setImmediate(done));
          yield chunk;
        }
      }
      const results = await Promise.all(Array.from({ length: 6 }, () => store.put(slow())));
      const expected = sha256(Buffer.concat(Array.from({ length: 16 }, () => chunk)));
      for (const result of results) expect(result).toEqual({ digest: expected, size: 16 * 65536 });
      expect(await listAll(store)).toEqual([expected]);
      expect(await store.verify(expected)).toBe("ok");
    });

    it("stores the bytes when they match expectedDigest", async () => {
      expect(await store.put(Buffer.from("abc"), { expectedDigest: ABC })).toEqual({
        digest: ABC,
        size: 3,
      });
      expect(await store.has(ABC)).toBe(true);
    });

    it("stores nothing when the bytes do not match expectedDigest", async () => {
      const put = store.put(Buffer.from("abd"), { expectedDigest: ABC });
      await expect(put).rejects.toBeInstanceOf(BadRequestError);
      await expect(put).rejects.toThrow(/does not match/);
      expect(await store.has(ABC)).toBe(false);
      expect(await store.has(sha256(Buffer.from("abd")))).toBe(false);
      expect(await listAll(store)).toEqual([]);
    });

    it("rejects a malformed expectedDigest before reading the source", async () => {
      let pulled = false;
      async function* source() {
        pulled = true;
        yield Buffer.from("x");
      }
      await expect(store.put(source(), { expectedDigest: "sha256:abc" })).rejects.toBeInstanceOf(
        BadRequestError,
      );
      expect(pulled).toBe(false);
    });

    it("stores nothing when the source fails midway", async () => {
      async function* failing() {
        yield Buffer.alloc(100_000, 1);
        throw new Error("connection reset");
      }
      await expect(store.put(failing())).rejects.toThrow("connection reset");
      expect(await listAll(store)).toEqual([]);
    });

    it("answers lookups of a missing blob with undefined or false", async () => {
      expect(await store.get(ABC)).toBeUndefined();
      expect(await store.getBytes(ABC)).toBeUndefined();
      expect(await store.has(ABC)).toBe(false);
      expect(await store.stat(ABC)).toBeUndefined();
      expect(await store.delete(ABC)).toBe(false);
      expect(await store.verify(ABC)).toBe("missing");
    });

    it("lists every blob and forgets a deleted one", async () => {
      const digests = await Promise.all(
        ["one", "two", "three"].map(async (text) => (await store.put(Buffer.from(text))).digest),
      );
      expect(await listAll(store)).toEqual([...digests].sort());
      const [gone, ...kept] = digests as [string, ...string[]];
      expect(await store.delete(gone)).toBe(true);
      expect(await store.delete(gone)).toBe(false);
      expect(await store.has(gone)).toBe(false);
      expect(await store.get(gone)).toBeUndefined();
      expect(await listAll(store)).toEqual(kept.sort());
      expect(await store.stat(kept[0] as string)).toEqual({ size: 3 });
    });

    it.each([
      ["empty", ""],
      ["uppercase", ABC.toUpperCase()],
      ["no algorithm", ABC.slice("sha256:".length)],
      ["other algorithm", `md5:${"0".repeat(32)}`],
      ["too short", ABC.slice(0, -1)],
      ["path traversal", "sha256:../../etc/passwd"],
    ])("rejects a malformed digest (%s) with BadRequestError", async (_case, digest) => {
      await expect(store.get(digest)).rejects.toBeInstanceOf(BadRequestError);
      await expect(store.getBytes(digest)).rejects.toBeInstanceOf(BadRequestError);
      await expect(store.has(digest)).rejects.toBeInstanceOf(BadRequestError);
      await expect(store.stat(digest)).rejects.toBeInstanceOf(BadRequestError);
      await expect(store.statMany([EMPTY, digest])).rejects.toBeInstanceOf(BadRequestError);
      await expect(store.delete(digest)).rejects.toBeInstanceOf(BadRequestError);
      await expect(store.verify(digest)).rejects.toBeInstanceOf(BadRequestError);
    });

    describe.each([
      ["a flipped byte", (b: Buffer) => Buffer.from(b.map((x, i) => (i === 70_000 ? x ^ 1 : x)))],
      ["truncation", (b: Buffer) => b.subarray(0, b.length - 1)],
      ["an appended byte", (b: Buffer) => Buffer.concat([b, Buffer.from([0])])],
    ])("detects corruption by %s", (_case, change) => {
      const bytes = Buffer.alloc(200_000, 42);
      const digest = sha256(bytes);

      beforeEach(async () => {
        await store.put(bytes);
        await fixture.tamper(digest, change);
      });

      it("in getBytes", async () => {
        const read = store.getBytes(digest);
        await expect(read).rejects.toBeInstanceOf(BlobCorruptError);
        await expect(read).rejects.toMatchObject({ digest, code: "INTERNAL" });
      });

      it("in get, before the reader has every byte", async () => {
        const stream = await store.get(digest);
        expect(stream).toBeDefined();
        let received = 0;
        const read = (async () => {
          for await (const chunk of stream as Readable) received += chunk.length;
        })();
        await expect(read).rejects.toBeInstanceOf(BlobCorruptError);
        expect(received).toBeLessThan(bytes.length);
      });

      it("in verify", async () => {
        expect(await store.verify(digest)).toBe("corrupt");
      });
    });

    it("streams an intact blob back whole", async () => {
      const bytes = Buffer.alloc(300_000);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 256;
      const { digest } = await store.put(bytes);
      expect((await collect((await store.get(digest)) as Readable)).equals(bytes)).toBe(true);
    });
  });
}
