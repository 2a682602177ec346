import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BadRequestError } from "../../domain/errors.js";
import type { BlobBatch } from "../blob-store.js";
import { digestOf, parseDigest } from "../digest.js";
import { durabilityBarrier } from "./durability-barrier.js";
import { PackFileWriter } from "./pack-file.js";
import type { PackIndex } from "./pack-index.js";

export interface FsBatchDeps {
  packDir: string;
  index: PackIndex;
  /** The index's database files, made durable after each commit. */
  indexFiles: readonly string[];
  now(): number;
}

/**
 * Writes the batch's blobs into one pack file, then on commit: a durability
 * barrier for the file and its folder entry, one index transaction that
 * makes every blob visible at once, and a barrier for that transaction. A
 * crash before the index commit leaves an unregistered pack, which the store
 * scans when it next opens; nothing half-written is ever indexed.
 *
 * Blobs are not looked up as they arrive: clients send only what the store
 * lacked when they asked, and one that arrived meanwhile is caught by the
 * index commit, its copy left as dead bytes for compaction.
 */
export class FsBlobBatch implements BlobBatch {
  private writer: PackFileWriter | undefined;
  private readonly seen = new Set<string>();
  private closed = false;

  constructor(private readonly deps: FsBatchDeps) {}

  async add(digest: string, bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new Error("This blob batch is already committed or aborted");
    parseDigest(digest);
    const actual = digestOf(bytes);
    if (actual !== digest) {
      throw new BadRequestError(`Content digest ${actual} does not match the expected ${digest}`);
    }
    if (this.seen.has(digest)) return;
    this.seen.add(digest);
    await this.writerNow().add(digest, bytes);
  }

  place(digest: string, size: number): Uint8Array | undefined {
    if (this.closed || this.seen.has(digest)) return undefined;
    return this.writerNow().reserve(digest, size);
  }

  private writerNow(): PackFileWriter {
    this.writer ??= new PackFileWriter(join(this.deps.packDir, `${randomUUID()}.pack`));
    return this.writer;
  }

  async commit(): Promise<{ stored: string[]; present: string[] }> {
    this.closed = true;
    const writer = this.writer;
    if (writer === undefined) return { stored: [], present: [] };
    let bytes: number;
    try {
      bytes = await writer.finish();
      await durabilityBarrier(dirname(this.deps.packDir), [writer.path], [this.deps.packDir]);
    } catch (error) {
      await rm(writer.path, { force: true });
      throw error;
    }
    const pack = writer.path.slice(this.deps.packDir.length + 1);
    const added = this.deps.index.addPack(pack, bytes, writer.blobs, this.deps.now());
    await durabilityBarrier(dirname(this.deps.packDir), this.deps.indexFiles, []);
    const digests = writer.blobs.map((b) => b.digest);
    return {
      stored: digests.filter((d) => added.has(d)),
      present: digests.filter((d) => !added.has(d)),
    };
  }

  async abort(): Promise<void> {
    this.closed = true;
    const writer = this.writer;
    if (writer === undefined) return;
    await writer.abandon();
    await rm(writer.path, { force: true });
  }
}
