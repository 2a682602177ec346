import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { ChunkerParams } from "../chunking/chunker-params.js";
import type { SourceFile } from "./list-source-files.js";
import type { ManifestChunk } from "./manifest-types.js";

const MAGIC = Buffer.from("LSSTAT3\n", "latin1");
/** Magic, entry count (u32), padding so the numbers are 8-byte aligned. */
const HEADER = 16;

/**
 * Files modified this close to when they were stat'ed may change again within
 * the same coarse file-system tick without their mtime moving ("racy git"),
 * so they are not trusted and get re-hashed next time.
 */
const RACY_MARGIN_MS = 50;

/**
 * Names a file's content by its chunk list. A list depends on the chunker
 * parameters, so they are part of the key; a single chunk is the whole
 * file's digest under any parameters.
 */
export function contentKey(chunks: readonly ManifestChunk[], chunker: ChunkerParams): string {
  if (chunks.length === 0) return "empty";
  if (chunks.length === 1) return (chunks[0] as ManifestChunk).digest;
  const c = chunker;
  const hash = createHash("sha256").update(
    `${c.algorithm}/${c.version}/${c.gearTable}/${c.minSize}/${c.avgSize}/${c.maxSize}/${c.maskSmallBits}/${c.maskLargeBits}\n`,
  );
  for (const chunk of chunks) hash.update(`${chunk.digest} ${chunk.size}\n`);
  return `list:${hash.digest("hex")}`;
}

/**
 * Remembers, per path, the stat (size, mtime, ctime, inode) at which a file
 * was last hashed and what it hashed to, so a status re-hashes only files
 * whose stat moved. A no-change status of thousands of files is little more
 * than their stats, so the cache is built to cost next to nothing: a local
 * binary file (magic, entry count, then four float64 numbers per entry in
 * this machine's byte order, then the root, paths and content keys as UTF-8
 * separated by NUL, which no path holds), loaded with one read, one decode
 * and one split, and compared number by number without building a string or
 * an object per file. A missing or damaged cache is an empty one (it only
 * saves work).
 */
export class StatCache {
  private dirty = false;
  /** Four numbers per entry: size, mtimeMs, ctimeMs, ino. */
  private stats: Float64Array;
  private readonly keys: string[] = [];
  /** path → entry number; a dropped entry's numbers stay behind, unreachable, until saved. */
  private readonly index = new Map<string, number>();

  private constructor(
    private readonly file: string,
    private readonly root: string,
    stats = new Float64Array(64),
  ) {
    this.stats = stats;
  }

  static load(file: string, root: string): StatCache {
    try {
      return StatCache.decode(file, root, readFileSync(file));
    } catch {
      return new StatCache(file, root); // Missing or damaged: start empty.
    }
  }

  private static decode(file: string, root: string, buf: Buffer): StatCache {
    const empty = new StatCache(file, root);
    if (buf.length < HEADER || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return empty;
    const count = buf.readUInt32LE(MAGIC.length);
    const textAt = HEADER + count * 32;
    if (textAt > buf.length) return empty;
    const parts = buf.toString("utf8", textAt).split("\0");
    if (parts.length !== 1 + 2 * count || parts[0] !== root) return empty;
    // A copy, aligned for the view and free to grow.
    const stats = new Float64Array(Math.max(64, count * 4 * 2));
    stats.set(new Float64Array(buf.buffer.slice(buf.byteOffset + HEADER, buf.byteOffset + textAt)));
    const cache = new StatCache(file, root, stats);
    for (let k = 0; k < count; k++) {
      cache.index.set(parts[1 + 2 * k] as string, k);
      cache.keys.push(parts[2 + 2 * k] as string);
    }
    return cache;
  }

  get size(): number {
    return this.index.size;
  }

  /** The content key recorded for this exact stat, if any. */
  lookup(file: SourceFile): string | undefined {
    const at = this.index.get(file.path);
    if (at === undefined) return undefined;
    const s = this.stats;
    const base = at * 4;
    if (
      s[base] !== file.size ||
      s[base + 1] !== file.mtimeMs ||
      s[base + 2] !== file.ctimeMs ||
      s[base + 3] !== file.ino
    ) {
      return undefined;
    }
    return this.keys[at];
  }

  /** `statedAtMs`: wall-clock time just before `file` was stat'ed. */
  record(file: SourceFile, key: string, statedAtMs: number): void {
    const trusted = file.mtimeMs < statedAtMs - RACY_MARGIN_MS;
    if (!trusted) {
      this.drop(file.path);
      return;
    }
    if (this.lookup(file) === key) return;
    let at = this.index.get(file.path);
    if (at === undefined) {
      at = this.keys.length;
      this.index.set(file.path, at);
      this.keys.push(key);
      if ((at + 1) * 4 > this.stats.length) {
        const grown = new Float64Array(this.stats.length * 2);
        grown.set(this.stats);
        this.stats = grown;
      }
    }
    this.keys[at] = key;
    this.stats.set([file.size, file.mtimeMs, file.ctimeMs, file.ino], at * 4);
    this.dirty = true;
  }

  /** Drops entries of files no longer present. */
  retainOnly(paths: ReadonlySet<string>): void {
    for (const path of [...this.index.keys()]) {
      if (!paths.has(path)) this.drop(path);
    }
  }

  /** Writes the cache if it changed, atomically (a torn cache would be ignored anyway). */
  save(): void {
    if (!this.dirty) return;
    const count = this.index.size;
    const numbers = new Float64Array(count * 4);
    const text: string[] = [this.root];
    let n = 0;
    for (const [path, at] of this.index) {
      numbers.set(this.stats.subarray(at * 4, at * 4 + 4), n * 4);
      text.push(path, this.keys[at] as string);
      n++;
    }
    const header = Buffer.alloc(HEADER);
    MAGIC.copy(header);
    header.writeUInt32LE(count, MAGIC.length);
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(
      tmp,
      Buffer.concat([
        header,
        Buffer.from(numbers.buffer, numbers.byteOffset, numbers.byteLength),
        Buffer.from(text.join("\0"), "utf8"),
      ]),
    );
    renameSync(tmp, this.file);
    this.dirty = false;
  }

  private drop(path: string): void {
    if (!this.index.has(path)) return;
    this.index.delete(path);
    this.dirty = true;
  }
}
