import { SourceWorkerPool } from "../../blobs/chunking/source-worker-pool.js";

/* The bytes are read in place from shared memory, so a job costs a message, not a copy. */
const WORKER_SOURCE = `"use strict";
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
parentPort.on("message", ({ id, buffer, ranges, digests }) => {
  const bytes = new Uint8Array(buffer);
  for (let k = 0; k < digests.length; k++) {
    const at = ranges[2 * k];
    const actual = "sha256:" + createHash("sha256").update(bytes.subarray(at, at + ranges[2 * k + 1])).digest("hex");
    if (actual !== digests[k]) {
      parentPort.postMessage({ id, result: { bad: k, actual } });
      return;
    }
  }
  parentPort.postMessage({ id, result: { bad: -1 } });
});
`;

/** The first chunk of a job whose bytes do not hash to its digest, or none (`bad` is -1). */
export interface HashCheck {
  bad: number;
  actual?: string;
}

/**
 * Threads that check chunks against their SHA-256 digests, so verifying a
 * download runs on every core instead of holding up the thread that reads
 * the socket and writes the files.
 */
export class HashWorkerPool {
  private readonly pool: SourceWorkerPool<HashCheck>;

  /** Default is one worker per core. */
  constructor(size?: number) {
    this.pool = new SourceWorkerPool(WORKER_SOURCE, "hash worker", size);
  }

  /**
   * Checks chunk k, the bytes `ranges[2k]` to `ranges[2k] + ranges[2k+1]` of
   * `buffer`, against `digests[k]`, in order, stopping at the first mismatch.
   * The bytes must not change until the promise settles.
   */
  check(buffer: SharedArrayBuffer, ranges: number[], digests: string[]): Promise<HashCheck> {
    return this.pool.run({ buffer, ranges, digests });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
