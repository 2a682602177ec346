import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { formatDigest } from "../digest.js";
import { chunkRange, type RangeDeps, type RangeResult } from "./chunk-range.js";
import type { ChunkWorkerPool } from "./chunk-worker-pool.js";
import {
  type ChunkerParams,
  DEFAULT_CHUNKER_PARAMS,
  resolveChunkerParams,
} from "./chunker-params.js";
import { findCut } from "./find-cut.js";
import { CUT_MODULE_BYTES, makeWasmCutter } from "./wasm-find-cut.js";

export interface FileChunk {
  offset: number;
  size: number;
  /** `sha256:<hex>` of the chunk's bytes. */
  digest: string;
}

export interface ChunkFileOptions {
  /** The file's size as listed; bytes past it are not read. */
  size: number;
  /** Default is DEFAULT_CHUNKER_PARAMS. */
  params?: ChunkerParams;
  /** Without a pool, or for small files, the calling thread does the work. */
  pool?: ChunkWorkerPool;
  /** Bytes per worker job. Default is 64 MiB. */
  segmentSize?: number;
  /** Called with the bytes chunked so far, in order. */
  onProgress?: (bytesDone: number) => void;
  /** Called with each run of chunks as soon as it is final, in order (to start uploads early). */
  onChunks?: (chunks: FileChunk[]) => void;
}

const cutter = makeWasmCutter(CUT_MODULE_BYTES, findCut);

/** Safe to share on one thread: chunkRange runs synchronously and is never re-entered. */
export const MAIN_THREAD_DEPS: RangeDeps = {
  findCut: cutter.findCut,
  createHash,
  openSync,
  readSync,
  closeSync,
  scratch: cutter.scratch,
};

/** Below this a worker round-trip costs more than the work. */
const SMALL_FILE = 1024 * 1024;

/**
 * Splits a file into content-defined chunks and hashes each. With a pool,
 * segments are chunked in parallel from provisional starts; each segment's
 * chain is then joined to the true chain where their cuts first coincide
 * (cuts depend only on the previous cut, so from there on they agree), and the
 * main thread re-chunks the gap before that point. The result is identical to
 * chunking the whole file in one pass.
 */
export async function chunkFile(path: string, options: ChunkFileOptions): Promise<FileChunk[]> {
  const { size, pool, onProgress, onChunks } = options;
  const config = resolveChunkerParams(options.params ?? DEFAULT_CHUNKER_PARAMS);
  if (size === 0) return [];
  const segment = Math.max(options.segmentSize ?? 64 * 1024 * 1024, 4 * config.max);
  if (!pool || (size <= SMALL_FILE && size <= segment)) {
    const whole = chunkRange(
      { path, start: 0, end: size, fileSize: size, config },
      MAIN_THREAD_DEPS,
    );
    onProgress?.(size);
    const chunks = toChunks(0, [whole]);
    onChunks?.(chunks);
    return chunks;
  }
  const jobs: Promise<RangeResult>[] = [];
  for (let start = 0; start < size; start += segment) {
    jobs.push(
      pool.run({ path, start, end: Math.min(start + segment, size), fileSize: size, config }),
    );
  }
  // Reject every job's promise at once if one fails, without unhandled rejections.
  for (const job of jobs) job.catch(() => undefined);
  const chunks: FileChunk[] = [];
  let last = 0;
  /** Appends a run that starts at `last`, the end of the chain so far. */
  const take = (part: RangeResult) => {
    const fresh = toChunks(last, [part]);
    for (const c of fresh) chunks.push(c);
    if (fresh.length > 0) onChunks?.(fresh);
  };
  for (let k = 0; k < jobs.length; k++) {
    const chain = await (jobs[k] as Promise<RangeResult>);
    let from = 0;
    if (last !== k * segment) {
      let at = chain.cuts.indexOf(last);
      if (at < 0) {
        const stopAt = new Set(chain.cuts);
        const end = chain.cuts[chain.cuts.length - 1] ?? size;
        const gap = chunkRange(
          { path, start: last, end, fileSize: size, config, stopAt },
          MAIN_THREAD_DEPS,
        );
        take(gap);
        last = gap.cuts[gap.cuts.length - 1] ?? last;
        at = chain.cuts.indexOf(last);
        // No common cut: the gap already covers this whole segment.
        if (at < 0) at = chain.cuts.length - 1;
      }
      from = at + 1;
    }
    const taken = {
      cuts: chain.cuts.subarray(from),
      digests: chain.digests.subarray(from * 32),
    };
    take(taken);
    last = taken.cuts[taken.cuts.length - 1] ?? last;
    onProgress?.(last);
    if (last >= size) break;
  }
  return chunks;
}

function toChunks(start: number, parts: RangeResult[]): FileChunk[] {
  const chunks: FileChunk[] = [];
  let offset = start;
  for (const part of parts) {
    const digests = Buffer.from(part.digests.buffer, part.digests.byteOffset, part.digests.length);
    for (let k = 0; k < part.cuts.length; k++) {
      const end = part.cuts[k] as number;
      const digest = formatDigest(digests.toString("hex", k * 32, k * 32 + 32));
      chunks.push({ offset, size: end - offset, digest });
      offset = end;
    }
  }
  return chunks;
}
