import { chunkRange, type RangeJob, type RangeResult } from "./chunk-range.js";
import { findCut } from "./find-cut.js";
import { SourceWorkerPool } from "./source-worker-pool.js";
import { CUT_MODULE_BYTES, makeWasmCutter } from "./wasm-find-cut.js";

/*
 * The worker runs from source text built out of the very functions the main
 * thread uses, so its cuts cannot drift from the single-threaded chunker, and
 * it works the same from compiled JS, tsx and vitest (a worker cannot load a
 * .ts file under Node 20's loaders). `__name` is a helper some TS
 * transpilers insert when they keep function names.
 */
const WORKER_SOURCE = `"use strict";
var __name = (f) => f;
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
const { createHash } = require("node:crypto");
const findCut = ${findCut.toString()};
const chunkRange = ${chunkRange.toString()};
const makeWasmCutter = ${makeWasmCutter.toString()};
const cutter = makeWasmCutter(Uint8Array.from(${JSON.stringify([...CUT_MODULE_BYTES])}), findCut);
const deps = {
  findCut: cutter.findCut, createHash, openSync: fs.openSync, readSync: fs.readSync,
  closeSync: fs.closeSync, scratch: cutter.scratch,
};
parentPort.on("message", (message) => {
  try {
    const job = message.job;
    if (message.stopAt) job.stopAt = new Set(message.stopAt);
    const result = chunkRange(job, deps);
    parentPort.postMessage({ id: message.id, result }, [result.cuts.buffer, result.digests.buffer]);
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String(error && error.message || error) });
  }
});
`;

/** A fixed set of chunk workers; jobs queue on the least busy one. */
export class ChunkWorkerPool {
  private readonly pool: SourceWorkerPool<RangeResult>;

  /** Default is one worker per core. */
  constructor(size?: number) {
    this.pool = new SourceWorkerPool(WORKER_SOURCE, "chunk worker", size);
  }

  get size(): number {
    return this.pool.size;
  }

  run(job: RangeJob): Promise<RangeResult> {
    const { stopAt, ...plain } = job;
    return this.pool.run({ job: plain, stopAt: stopAt ? [...stopAt] : undefined });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
