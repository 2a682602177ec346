import { randomUUID } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BadRequestError } from "../../domain/errors.js";
import type { BlobBatch } from "../blob-store.js";
import { digestOf, parseDigest } from "../digest.js";
import { durabilityBarrier } from "./durability-barrier.js";

/** File-system calls in flight at once (they run on libuv's thread pool). */
const FS_AT_ONCE = 16;

export interface FsBatchDeps {
  blobDir: string;
  tempDir: string;
  pathOf(digest: string): string;
  stat(digest: string): Promise<{ size: number } | undefined>;
}

interface Staged {
  /** Undefined when the store already holds the blob. */
  temp: string | undefined;
}

/**
 * Stages each blob in its own temp file (no fsync), then on commit: one
 * durability barrier for all temp files, renames into place, and one more
 * barrier for the folders the renames changed. A crash before the renames
 * leaves only temp files; after them, whole blobs.
 */
export class FsBlobBatch implements BlobBatch {
  private readonly staged = new Map<string, Staged>();
  private readonly running = new Set<Promise<void>>();
  private failure: unknown;
  private closed = false;

  constructor(private readonly deps: FsBatchDeps) {}

  async add(digest: string, bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new Error("This blob batch is already committed or aborted");
    parseDigest(digest);
    const actual = digestOf(bytes);
    if (actual !== digest) {
      throw new BadRequestError(`Content digest ${actual} does not match the expected ${digest}`);
    }
    if (this.failure !== undefined) throw this.failure;
    if (this.staged.has(digest)) return;
    const entry: Staged = { temp: undefined };
    this.staged.set(digest, entry);
    await this.spawn(async () => {
      if ((await this.deps.stat(digest))?.size === bytes.byteLength) return;
      const temp = join(this.deps.tempDir, `${randomUUID()}.tmp`);
      entry.temp = temp;
      // Created read-only, like single puts: nothing later can write to a blob.
      await writeFile(temp, bytes, { flag: "wx", mode: 0o444 });
    });
  }

  async commit(): Promise<{ stored: string[]; present: string[] }> {
    this.closed = true;
    await this.drain();
    if (this.failure !== undefined) {
      await this.removeTemps();
      throw this.failure;
    }
    const stored = [...this.staged].filter(([, s]) => s.temp !== undefined);
    const present = [...this.staged].filter(([, s]) => s.temp === undefined).map(([d]) => d);
    try {
      await durabilityBarrier(
        dirname(this.deps.blobDir),
        stored.map(([, s]) => s.temp as string),
        [],
      );
    } catch (error) {
      await this.removeTemps();
      throw error;
    }
    const changedDirs = new Set<string>();
    for (const [digest, { temp }] of stored) {
      await this.spawn(async () => {
        const finalPath = this.deps.pathOf(digest);
        const dir = dirname(finalPath);
        // A racing put may store the same bytes meanwhile; replacing them is harmless.
        try {
          await rename(temp as string, finalPath);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
          await mkdir(dir, { recursive: true });
          await rename(temp as string, finalPath);
          changedDirs.add(dirname(dir));
          changedDirs.add(this.deps.blobDir);
        }
        changedDirs.add(dir);
      });
    }
    await this.drain();
    if (this.failure !== undefined) {
      await this.removeTemps();
      throw this.failure;
    }
    this.staged.clear();
    await durabilityBarrier(dirname(this.deps.blobDir), [], [...changedDirs]);
    return { stored: stored.map(([d]) => d), present };
  }

  async abort(): Promise<void> {
    this.closed = true;
    await this.drain();
    await this.removeTemps();
  }

  /** Runs `task` alongside others, waiting first while too many run. */
  private async spawn(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= FS_AT_ONCE) await Promise.race(this.running);
    const run = task().catch((error) => {
      this.failure ??= error;
    });
    this.running.add(run);
    run.finally(() => this.running.delete(run));
  }

  private async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Temp files not yet renamed (a rename that happened moved its file away). */
  private async removeTemps(): Promise<void> {
    const temps = [...this.staged.values()].flatMap((s) => (s.temp ? [s.temp] : []));
    this.staged.clear();
    await Promise.all(temps.map((t) => rm(t, { force: true })));
  }
}
