import { PACK_FRAME_HEADER_BYTES } from "../pack/pack-codec.js";
import type { PackedLocation } from "./pack-index.js";

/** Bytes of pack file read per piece of a run. */
const RUN_PIECE_BYTES = 4 * 1024 * 1024;

/** Frames `first`..`last` (inclusive) of one pack, stored back to back: one byte range. */
export interface FrameRun {
  pack: string;
  first: number;
  last: number;
  /** From the first frame's header to the last frame's final byte. */
  start: number;
  end: number;
}

/**
 * Groups the blobs asked for into runs of frames that lie one after the other
 * in the same pack, as the chunks of one file do when they were added
 * together. A run is sent as the pack's bytes, headers and all, since the
 * pack file and the wire use the same frames. Undefined entries (not packed)
 * break runs and are left to the caller.
 */
export function frameRuns(located: readonly (PackedLocation | undefined)[]): (FrameRun | number)[] {
  const out: (FrameRun | number)[] = [];
  let run: FrameRun | undefined;
  located.forEach((at, i) => {
    if (!at) {
      run = undefined;
      out.push(i);
      return;
    }
    const start = at.offset - PACK_FRAME_HEADER_BYTES;
    const end = at.offset + at.size;
    if (run && run.pack === at.pack && run.end === start && run.end - run.start < RUN_PIECE_BYTES) {
      run.last = i;
      run.end = end;
      return;
    }
    run = { pack: at.pack, first: i, last: i, start, end };
    out.push(run);
  });
  return out;
}
