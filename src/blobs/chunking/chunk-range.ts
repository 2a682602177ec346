import type { Hash } from "node:crypto";
import type { CutConfig } from "./chunker-params.js";
import type { findCut } from "./find-cut.js";

/** One run of the chunker over part of a file, starting at a (maybe provisional) boundary. */
export interface RangeJob {
  path: string;
  /** Where the first chunk starts. */
  start: number;
  /** Stop after the first cut at or past this offset. */
  end: number;
  /** The file's size when it was listed; reading past it is an error (the file grew). */
  fileSize: number;
  config: CutConfig;
  /** Also stop at the first cut that is one of these offsets. */
  stopAt?: ReadonlySet<number>;
}

/** Chunk ends (absolute offsets) and their SHA-256 digests, 32 bytes each. */
export interface RangeResult {
  cuts: Float64Array;
  digests: Uint8Array;
}

/** What chunkRange needs from its surroundings, passed in so it can run in a worker. */
export interface RangeDeps {
  findCut: typeof findCut;
  createHash: (algorithm: "sha256") => Hash;
  openSync: (path: string, flags: "r") => number;
  readSync: (
    fd: number,
    buf: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ) => number;
  closeSync: (fd: number) => void;
  /** A scratch buffer of at least `size` bytes, reused between jobs to spare page faults. */
  scratch: (size: number) => Uint8Array;
}

/**
 * Chunks and hashes `job.path` from `job.start`, reading in large blocks and
 * carrying the unfinished chunk over, so every cut sees at least `max` bytes.
 * Serialised into the chunk workers: it must not reference anything outside
 * itself and its arguments.
 */
export function chunkRange(job: RangeJob, deps: RangeDeps): RangeResult {
  const c = job.config;
  const stopAt = job.stopAt;
  // Large reads amortise syscalls; the extra `max` holds the carried-over chunk.
  const buf = deps.scratch(8 * 1024 * 1024 + c.max);
  const cuts: number[] = [];
  const digests: Uint8Array[] = [];
  const fd = deps.openSync(job.path, "r");
  try {
    let bufStart = job.start;
    let len = 0;
    let pos = 0;
    for (;;) {
      if (len - pos < c.max && bufStart + len < job.fileSize) {
        buf.copyWithin(0, pos, len);
        bufStart += pos;
        len -= pos;
        pos = 0;
        while (len < buf.length && bufStart + len < job.fileSize) {
          const want = Math.min(buf.length - len, job.fileSize - bufStart - len);
          const got = deps.readSync(fd, buf, len, want, bufStart + len);
          if (got === 0) throw new Error(`File ${job.path} shrank while it was read`);
          len += got;
        }
      }
      if (pos === len) break;
      const cut = deps.findCut(buf, pos, len, c);
      digests.push(deps.createHash("sha256").update(buf.subarray(pos, cut)).digest());
      const at = bufStart + cut;
      cuts.push(at);
      pos = cut;
      if (at >= job.end || stopAt?.has(at)) break;
    }
  } finally {
    deps.closeSync(fd);
  }
  const all = new Uint8Array(digests.length * 32);
  for (let k = 0; k < digests.length; k++) all.set(digests[k] as Uint8Array, k * 32);
  return { cuts: Float64Array.from(cuts), digests: all };
}
