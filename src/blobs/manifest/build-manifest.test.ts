import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pseudoRandomBytes } from "../../../test/support/test-bytes.js";
import { ChunkWorkerPool } from "../chunking/chunk-worker-pool.js";
import { chunkerParamsFor } from "../chunking/chunker-params.js";
import { type BuiltManifest, buildManifest } from "./build-manifest.js";
import { canonicalManifestJson, manifestDigest, parseManifest } from "./manifest-codec.js";

const SMALL = chunkerParamsFor({ minSize: 256, avgSize: 1024, maxSize: 4096 });

let dir: string;
let pool: ChunkWorkerPool;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lockstep-build-manifest-"));
  pool = new ChunkWorkerPool(2);
});
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

function fresh(): string {
  const path = join(dir, `case${n++}`);
  mkdirSync(path);
  return path;
}

async function rebuild(built: BuiltManifest): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const file of built.manifest.files) {
    const parts = await Promise.all(file.chunks.map((c) => built.readChunk(c.digest)));
    out.set(file.path, Buffer.concat(parts));
  }
  return out;
}

const segment = fc.constantFrom("a", "b", "données", "日本語", "emoji😀", "with space", "x.y", "Ä");
const folder = fc.uniqueArray(
  fc.record({
    path: fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join("/")),
    size: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 }), fc.integer({ max: 200_000 })),
    seed: fc.integer(),
  }),
  { selector: (f) => f.path, maxLength: 12 },
);

describe("buildManifest", () => {
  it("records random folders so that their chunks give back the exact bytes", async () => {
    await fc.assert(
      fc.asyncProperty(folder, async (entries) => {
        const root = fresh();
        const written = new Map<string, Buffer>();
        for (const e of entries) {
          // A path that is a prefix folder of another cannot also be a file.
          if (entries.some((o) => o.path.startsWith(`${e.path}/`))) continue;
          if ([...written.keys()].some((p) => e.path.startsWith(`${p}/`))) continue;
          const bytes = Buffer.from(pseudoRandomBytes(Math.max(0, e.size), e.seed));
          mkdirSync(dirname(join(root, e.path)), { recursive: true });
          writeFileSync(join(root, e.path), bytes);
          written.set(e.path, bytes);
        }
        const built = await buildManifest(root, { params: SMALL, pool });
        expect(built.manifest.files.map((f) => f.path)).toEqual([...written.keys()].sort());
        const back = await rebuild(built);
        for (const [path, bytes] of written) expect(back.get(path)?.equals(bytes)).toBe(true);
        for (const file of built.manifest.files) {
          expect(file.chunks.length === 0).toBe(file.size === 0);
        }
        const again = await buildManifest(root, { params: SMALL });
        expect(again.digest).toBe(built.digest);
        const parsed = parseManifest(canonicalManifestJson(built.manifest));
        expect(manifestDigest(parsed)).toBe(built.digest);
      }),
      { numRuns: 25 },
    );
  });

  it("records a single file under its basename, with its mode", async () => {
    const root = fresh();
    const path = join(root, "model.bin");
    writeFileSync(path, pseudoRandomBytes(5_000_000, 1));
    chmodSync(path, 0o640);
    const seen: number[] = [];
    const built = await buildManifest(path, { onProgress: (p) => seen.push(p.bytesDone) });
    expect(built.manifest.files.map((f) => [f.path, f.size, f.mode])).toEqual([
      ["model.bin", 5_000_000, 0o640],
    ]);
    expect(seen.at(-1)).toBe(5_000_000);
    expect(built.manifest.chunker.avgSize).toBe(65536);
    const sizes = built.manifest.files[0]?.chunks.map((c) => c.size) ?? [];
    expect(sizes.slice(0, -1).every((s) => s >= 16384 && s <= 262144)).toBe(true);
    expect(built.chunks.size).toBe(sizes.length);
    const back = await rebuild(built);
    expect(back.get("model.bin")?.equals(readFileSync(path))).toBe(true);
  });

  it("keeps one location per distinct chunk", async () => {
    const root = fresh();
    const bytes = pseudoRandomBytes(50_000, 9);
    writeFileSync(join(root, "one"), bytes);
    writeFileSync(join(root, "two"), bytes);
    const built = await buildManifest(root, { params: SMALL });
    const [one, two] = built.manifest.files;
    expect(one?.chunks).toEqual(two?.chunks);
    expect(built.chunks.size).toBe(new Set(one?.chunks.map((c) => c.digest)).size);
  });

  it("follows symlinks to files and folders but refuses loops", async () => {
    const root = fresh();
    mkdirSync(join(root, "real"));
    writeFileSync(join(root, "real", "f"), "hello");
    symlinkSync(join(root, "real", "f"), join(root, "link-to-file"));
    symlinkSync(join(root, "real"), join(root, "link-to-dir"));
    const built = await buildManifest(root);
    expect(built.manifest.files.map((f) => f.path)).toEqual([
      "link-to-dir/f",
      "link-to-file",
      "real/f",
    ]);

    symlinkSync(root, join(root, "real", "up"));
    // Found through whichever path reaches it first.
    await expect(buildManifest(root)).rejects.toThrow(/^Symlink loop at .*\/up$/);
  });

  it("fails with one-line errors naming the path", async () => {
    const root = fresh();
    const missing = join(root, "nope");
    await expect(buildManifest(missing)).rejects.toThrow(`No such file or folder: ${missing}`);
    symlinkSync("self", join(root, "self"));
    await expect(buildManifest(root)).rejects.toThrow(`Symlink loop at ${join(root, "self")}`);
    rmSync(join(root, "self"));
    symlinkSync("gone", join(root, "broken"));
    await expect(buildManifest(root)).rejects.toThrow(
      `No such file or folder: ${join(root, "broken")}`,
    );
    rmSync(join(root, "broken"));
    writeFileSync(Buffer.from([...Buffer.from(`${root}/bad`), 0xff, 0xfe]), "x");
    await expect(buildManifest(root)).rejects.toThrow(/^Path is not valid UTF-8: .*bad/);
  });

  it.skipIf(process.getuid?.() === 0)("names an unreadable file", async () => {
    const root = fresh();
    writeFileSync(join(root, "secret"), "x");
    chmodSync(join(root, "secret"), 0);
    await expect(buildManifest(root)).rejects.toThrow(`Permission denied: ${join(root, "secret")}`);
  });

  it("refuses to hand out chunk bytes once the file changed", async () => {
    const root = fresh();
    writeFileSync(join(root, "f"), "before");
    const built = await buildManifest(root);
    writeFileSync(join(root, "f"), "after!");
    const digest = built.manifest.files[0]?.chunks[0]?.digest ?? "";
    await expect(built.readChunk(digest)).rejects.toThrow(
      `File changed since it was chunked: ${join(root, "f")}`,
    );
  });
});
