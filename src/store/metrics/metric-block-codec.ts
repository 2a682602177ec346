/**
 * The byte layout of a metric block: three little-endian float64 columns
 * (steps, values, timestamps) of `count` entries each. Float64 keeps every
 * value bit for bit — NaN, ±Infinity and -0 included — and steps and
 * timestamps exactly up to 2^53.
 *
 * On a little-endian host (every platform Node ships for in practice) the
 * columns are plain Float64Array memory, so encoding and decoding are
 * memcpy-speed or zero-copy; the DataView path keeps big-endian hosts correct.
 */

/** One point as it sits in a block (the key is implied by the block). */
export interface BlockPoint {
  step: number;
  value: number;
  timestamp: number;
}

export interface BlockColumns {
  steps: Float64Array;
  vals: Float64Array;
  times: Float64Array;
}

export interface EncodedBlock {
  count: number;
  stepMin: number;
  stepMax: number;
  steps: Buffer;
  vals: Buffer;
  times: Buffer;
}

export const LITTLE_ENDIAN_HOST = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

export function encodeBlock(points: readonly BlockPoint[]): EncodedBlock {
  return encodePoints(points, 0, points.length);
}

/** A stored block's bytes, as read back from the database. */
export interface StoredBlock {
  count: number | string;
  steps: Uint8Array;
  vals: Uint8Array;
  times: Uint8Array;
}

/**
 * Encodes points [start, end), after the points of `prefix` when given (a
 * block being grown in place). The three columns share one allocation: the
 * writers encode a block per key per batch, and fewer ArrayBuffers means
 * less garbage-collector work at a million points a second.
 */
export function encodePoints(
  points: readonly BlockPoint[],
  start: number,
  end: number,
  prefix?: StoredBlock,
): EncodedBlock {
  const m = prefix ? checkedCount(prefix) : 0;
  const n = m + (end - start);
  const all = new Float64Array(3 * n);
  if (prefix) {
    copyColumnInto(all, 0, prefix.steps);
    copyColumnInto(all, n, prefix.vals);
    copyColumnInto(all, 2 * n, prefix.times);
  }
  for (let i = start, at = m; i < end; i++, at++) {
    const p = points[i] as BlockPoint;
    all[at] = p.step;
    all[n + at] = p.value;
    all[2 * n + at] = p.timestamp;
  }
  let stepMin = n === 0 ? 0 : Number.POSITIVE_INFINITY;
  let stepMax = n === 0 ? 0 : Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const s = all[i] as number;
    if (s < stepMin) stepMin = s;
    if (s > stepMax) stepMax = s;
  }
  return {
    count: n,
    stepMin,
    stepMax,
    steps: encodeColumn(all.subarray(0, n)),
    vals: encodeColumn(all.subarray(n, 2 * n)),
    times: encodeColumn(all.subarray(2 * n)),
  };
}

/** Zero-copy on little-endian hosts: the Buffer shares the array's memory. */
export function encodeColumn(column: Float64Array): Buffer {
  if (LITTLE_ENDIAN_HOST) return Buffer.from(column.buffer, column.byteOffset, column.byteLength);
  return encodeColumnPortable(column);
}

export function encodeColumnPortable(column: Float64Array): Buffer {
  const out = Buffer.allocUnsafe(column.length * 8);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < column.length; i++) view.setFloat64(i * 8, column[i] as number, true);
  return out;
}

/**
 * A column's values. Zero-copy when the bytes are 8-byte aligned (the result
 * then shares memory with `bytes`: treat it as read-only); drivers often hand
 * out slices of a pooled buffer at odd offsets, which are copied first.
 */
export function decodeColumn(bytes: Uint8Array): Float64Array {
  if (bytes.byteLength % 8 !== 0) {
    throw new Error(`metric block column of ${bytes.byteLength} bytes is not a float64 array`);
  }
  if (!LITTLE_ENDIAN_HOST) return decodeColumnPortable(bytes);
  if (bytes.byteOffset % 8 === 0) {
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  }
  const out = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function decodeColumnPortable(bytes: Uint8Array): Float64Array {
  const n = bytes.byteLength / 8;
  const out = new Float64Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** Decodes a stored block and checks that its three columns agree with `count`. */
export function decodeBlock(row: StoredBlock): BlockColumns {
  checkedCount(row);
  return {
    steps: decodeColumn(row.steps),
    vals: decodeColumn(row.vals),
    times: decodeColumn(row.times),
  };
}

function checkedCount(row: StoredBlock): number {
  const count = Number(row.count);
  const bytes = count * 8;
  if (
    row.steps.byteLength !== bytes ||
    row.vals.byteLength !== bytes ||
    row.times.byteLength !== bytes
  ) {
    throw new Error(`corrupt metric block: count ${count} does not match its columns`);
  }
  return count;
}

/**
 * Copies an encoded column into `target` starting at index `at`: one memcpy
 * whatever the source alignment, for reads that gather many blocks.
 */
export function copyColumnInto(target: Float64Array, at: number, bytes: Uint8Array): void {
  if (bytes.byteLength % 8 !== 0 || at * 8 + bytes.byteLength > target.byteLength) {
    throw new Error("metric block column does not fit its target");
  }
  if (!LITTLE_ENDIAN_HOST) {
    target.set(decodeColumnPortable(bytes), at);
    return;
  }
  new Uint8Array(target.buffer, target.byteOffset + at * 8, bytes.byteLength).set(bytes);
}
