import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/*
 * Source text rather than a module file, like the chunk workers: a worker
 * cannot load a .ts file under Node 20's loaders, and this runs the same from
 * compiled JS, tsx and vitest. The bytes are read in place from shared
 * memory, so a job costs a message, not a copy.
 */
const WORKER_SOURCE = `"use strict";
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
parentPort.on("message", ({ id, buffer, ranges, digests }) => {
  const bytes = new Uint8Array(buffer);
  for (let k = 0; k < digests.length; k++) {
    const at = ranges[2 * k];
    const actual = "sha256:" + createHash("sha256").update(bytes.subarray(at, at + ranges[2 * k + 1])).digest("hex");
    if (actual !== digests[k]) {
      parentPort.postMessage({ id, bad: k, actual });
      return;
    }
  }
  parentPort.postMessage({ id, bad: -1 });
});
`;

/** The first chunk of a job whose bytes do not hash to its digest, or none (`bad` is -1). */
export interface HashCheck {
  bad: number;
  actual?: string;
}

interface Reply extends HashCheck {
  id: number;
}

/**
 * Threads that check chunks against their SHA-256 digests, so verifying a
 * download runs on every core instead of holding up the thread that reads
 * the socket and writes the files.
 */
export class HashWorkerPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, (check: HashCheck) => void>();
  private readonly failed = new Map<number, (error: Error) => void>();
  private nextId = 1;
  private failure: Error | undefined;

  /** Default is one worker per core. */
  constructor(size = availableParallelism()) {
    for (let k = 0; k < Math.max(1, size); k++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      const slot = { worker, busy: 0 };
      worker.on("message", (reply: Reply) => {
        slot.busy--;
        const resolve = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        this.failed.delete(reply.id);
        resolve?.({
          bad: reply.bad,
          ...(reply.actual ? { actual: reply.actual } : {}),
        });
      });
      worker.on("error", (error) => this.fail(error));
      this.workers.push(slot);
    }
  }

  /**
   * Checks chunk k, the bytes `ranges[2k]` to `ranges[2k] + ranges[2k+1]` of
   * `buffer`, against `digests[k]`, in order, stopping at the first mismatch.
   * The bytes must not change until the promise settles.
   */
  check(buffer: SharedArrayBuffer, ranges: number[], digests: string[]): Promise<HashCheck> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, resolve);
      this.failed.set(id, reject);
      slot.worker.postMessage({ id, buffer, ranges, digests });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((slot) => slot.worker.terminate()));
    this.fail(new Error("hash worker pool closed"));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const reject of this.failed.values()) reject(error);
    this.pending.clear();
    this.failed.clear();
  }
}
