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

/** Packs points, in logging order, into block columns. */
export function columnsOf(points: readonly BlockPoint[]): BlockColumns {
  const n = points.length;
  const steps = new Float64Array(n);
  const vals = new Float64Array(n);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i] as BlockPoint;
    steps[i] = p.step;
    vals[i] = p.value;
    times[i] = p.timestamp;
  }
  return { steps, vals, times };
}

export function encodeBlock(points: readonly BlockPoint[]): EncodedBlock {
  return encodeColumns(columnsOf(points));
}

export function encodeColumns(columns: BlockColumns): EncodedBlock {
  const { steps } = columns;
  if (columns.vals.length !== steps.length || columns.times.length !== steps.length) {
    throw new Error("block columns differ in length");
  }
  let stepMin = Number.POSITIVE_INFINITY;
  let stepMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as number;
    if (s < stepMin) stepMin = s;
    if (s > stepMax) stepMax = s;
  }
  if (steps.length === 0) {
    stepMin = 0;
    stepMax = 0;
  }
  return {
    count: steps.length,
    stepMin,
    stepMax,
    steps: encodeColumn(steps),
    vals: encodeColumn(columns.vals),
    times: encodeColumn(columns.times),
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
export function decodeBlock(row: {
  count: number | string;
  steps: Uint8Array;
  vals: Uint8Array;
  times: Uint8Array;
}): BlockColumns {
  const columns = {
    steps: decodeColumn(row.steps),
    vals: decodeColumn(row.vals),
    times: decodeColumn(row.times),
  };
  const count = Number(row.count);
  if (
    columns.steps.length !== count ||
    columns.vals.length !== count ||
    columns.times.length !== count
  ) {
    throw new Error(`corrupt metric block: count ${count} does not match its columns`);
  }
  return columns;
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

/** Appends `extra` after `base`, column by column. */
export function concatColumns(base: BlockColumns, extra: BlockColumns): BlockColumns {
  const join = (a: Float64Array, b: Float64Array) => {
    const out = new Float64Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  return {
    steps: join(base.steps, extra.steps),
    vals: join(base.vals, extra.vals),
    times: join(base.times, extra.times),
  };
}

/** Points [start, end) of a block, sharing memory with it. */
export function sliceColumns(columns: BlockColumns, start: number, end: number): BlockColumns {
  if (start === 0 && end === columns.steps.length) return columns;
  return {
    steps: columns.steps.subarray(start, end),
    vals: columns.vals.subarray(start, end),
    times: columns.times.subarray(start, end),
  };
}
