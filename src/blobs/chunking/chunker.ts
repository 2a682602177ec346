import {
  type ChunkerParams,
  DEFAULT_CHUNKER_PARAMS,
  resolveChunkerParams,
} from "./chunker-params.js";
import { findCut } from "./find-cut.js";

/** Chunk end offsets of bytes held in memory. */
export function chunkBoundaries(
  bytes: Uint8Array,
  params: ChunkerParams = DEFAULT_CHUNKER_PARAMS,
): number[] {
  const config = resolveChunkerParams(params);
  const cuts: number[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    pos = findCut(bytes, pos, bytes.length, config);
    cuts.push(pos);
  }
  return cuts;
}

/**
 * Content-defined chunks of a stream, read in buffers of any size: a chunk is
 * cut only once `max` bytes past its start are held (or the input ended), so
 * the boundaries are those of chunkBoundaries on the concatenated input.
 */
export async function* chunkStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  params: ChunkerParams = DEFAULT_CHUNKER_PARAMS,
): AsyncGenerator<Uint8Array> {
  const config = resolveChunkerParams(params);
  let buf = new Uint8Array(2 * config.max);
  let pos = 0;
  let len = 0;
  for await (const data of source) {
    if (len + data.length > buf.length) {
      const needed = len - pos + data.length;
      const next = needed > buf.length ? new Uint8Array(Math.max(needed, 2 * buf.length)) : buf;
      next.set(buf.subarray(pos, len), 0);
      buf = next;
      len -= pos;
      pos = 0;
    }
    buf.set(data, len);
    len += data.length;
    while (len - pos >= config.max) {
      const cut = findCut(buf, pos, len, config);
      yield buf.slice(pos, cut);
      pos = cut;
    }
  }
  while (pos < len) {
    const cut = findCut(buf, pos, len, config);
    yield buf.slice(pos, cut);
    pos = cut;
  }
}
