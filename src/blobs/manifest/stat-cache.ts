import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { ChunkerParams } from "../chunking/chunker-params.js";
import type { SourceFile } from "./list-source-files.js";
import type { ManifestChunk } from "./manifest-types.js";

const FORMAT = "lockstep-stat-cache/1";

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

/** What the cache compares: size, mtime, ctime and inode. */
function signature(file: SourceFile): string {
  return `${file.size}:${file.mtimeMs}:${file.ctimeMs}:${file.ino}`;
}

/**
 * Remembers, per path, the stat (size, mtime, ctime, inode) at which a file
 * was last hashed and what it hashed to, so a status re-hashes only files
 * whose stat moved. Kept in a local JSON file as a flat array of strings
 * (format, root, then path, "signature key", …), which parses several times
 * faster than an object per entry; a missing or damaged cache is an empty
 * one (it only saves work).
 */
export class StatCache {
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly root: string,
    /** path → `${signature} ${content key}` */
    private readonly entries: Map<string, string>,
  ) {}

  static load(file: string, root: string): StatCache {
    const entries = new Map<string, string>();
    try {
      const data = JSON.parse(readFileSync(file, "utf8")) as unknown[];
      if (Array.isArray(data) && data[0] === FORMAT && data[1] === root) {
        for (let k = 2; k + 1 < data.length; k += 2) {
          const path = data[k];
          const value = data[k + 1];
          if (typeof path === "string" && typeof value === "string") entries.set(path, value);
        }
      }
    } catch {
      // Missing or damaged: start empty.
    }
    return new StatCache(file, root, entries);
  }

  /** The content key recorded for this exact stat, if any. */
  lookup(file: SourceFile): string | undefined {
    const value = this.entries.get(file.path);
    const sig = signature(file);
    if (!value?.startsWith(sig) || value.charCodeAt(sig.length) !== 32) return undefined;
    return value.slice(sig.length + 1);
  }

  /** `statedAtMs`: wall-clock time just before `file` was stat'ed. */
  record(file: SourceFile, key: string, statedAtMs: number): void {
    const trusted = file.mtimeMs < statedAtMs - RACY_MARGIN_MS;
    if (!trusted) {
      this.dirty = this.entries.delete(file.path) || this.dirty;
      return;
    }
    const value = `${signature(file)} ${key}`;
    if (this.entries.get(file.path) === value) return;
    this.entries.set(file.path, value);
    this.dirty = true;
  }

  /** Drops entries of files no longer present. */
  retainOnly(paths: ReadonlySet<string>): void {
    for (const path of this.entries.keys()) {
      if (!paths.has(path)) this.dirty = this.entries.delete(path) || this.dirty;
    }
  }

  /** Writes the cache if it changed, atomically (a torn cache would be ignored anyway). */
  save(): void {
    if (!this.dirty) return;
    const flat: string[] = [FORMAT, this.root];
    for (const [path, value] of this.entries) flat.push(path, value);
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(flat));
    renameSync(tmp, this.file);
    this.dirty = false;
  }
}
