import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { chunkRange, type RangeJob, type RangeResult } from "./chunk-range.js";
import { findCut } from "./find-cut.js";
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

interface Pending {
  resolve: (result: RangeResult) => void;
  reject: (error: Error) => void;
}

interface Reply {
  id: number;
  result?: RangeResult;
  error?: string;
}

/** A fixed set of chunk workers; jobs queue on the least busy one. */
export class ChunkWorkerPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;

  /** Default is one worker per core. */
  constructor(size = availableParallelism()) {
    for (let k = 0; k < Math.max(1, size); k++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      const slot = { worker, busy: 0 };
      worker.on("message", (reply: Reply) => {
        slot.busy--;
        const waiting = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.result) waiting?.resolve(reply.result);
        else waiting?.reject(new Error(reply.error ?? "chunk worker failed"));
      });
      worker.on("error", (error) => this.fail(error));
      this.workers.push(slot);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  run(job: RangeJob): Promise<RangeResult> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    const { stopAt, ...plain } = job;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, job: plain, stopAt: stopAt ? [...stopAt] : undefined });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((slot) => slot.worker.terminate()));
    this.fail(new Error("chunk worker pool closed"));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
