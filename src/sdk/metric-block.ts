/**
 * Metric points in columns: preallocated typed arrays that logMetric writes
 * into without allocating. A full block is handed to the outbox and encoded
 * there, off the hot path.
 */
export class MetricBlock {
  readonly capacity: number;
  readonly keys: Uint32Array;
  readonly values: Float64Array;
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
  length = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.keys = new Uint32Array(capacity);
    this.values = new Float64Array(capacity);
    this.steps = new Float64Array(capacity);
    this.timestamps = new Float64Array(capacity);
  }

  /**
   * The `series` array of a batch body as JSON text: one entry per key, its
   * points in columns and in logging order. `keyJson` holds each key already
   * JSON-quoted, indexed by the numbers in `keys`.
   */
  encodeSeries(keyJson: readonly string[]): string {
    const byKey = new Map<number, number[]>();
    for (let i = 0; i < this.length; i++) {
      const key = this.keys[i] as number;
      const rows = byKey.get(key);
      if (rows) rows.push(i);
      else byKey.set(key, [i]);
    }
    const parts: string[] = [];
    for (const [key, rows] of byKey) {
      const values = new Array<string>(rows.length);
      const steps = new Array<number>(rows.length);
      const timestamps = new Array<number>(rows.length);
      for (let j = 0; j < rows.length; j++) {
        const i = rows[j] as number;
        values[j] = encodeValue(this.values[i] as number);
        steps[j] = this.steps[i] as number;
        timestamps[j] = this.timestamps[i] as number;
      }
      parts.push(
        `{"key":${keyJson[key]},"values":[${values.join(",")}],"steps":[${steps.join(",")}],"timestamps":[${timestamps.join(",")}]}`,
      );
    }
    return `[${parts.join(",")}]`;
  }
}

/** A metric value as JSON: NaN and ±Infinity travel as strings (docs/api.md). */
export function encodeValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return '"NaN"';
  return value > 0 ? '"Infinity"' : '"-Infinity"';
}

/** Reuses a few blocks so a steady stream of batches does not keep allocating. */
export class MetricBlockPool {
  private readonly free: MetricBlock[] = [];

  constructor(
    readonly capacity: number,
    private readonly maxFree = 4,
  ) {}

  take(): MetricBlock {
    const block = this.free.pop();
    if (block) {
      block.length = 0;
      return block;
    }
    return new MetricBlock(this.capacity);
  }

  give(block: MetricBlock): void {
    if (block.capacity === this.capacity && this.free.length < this.maxFree) this.free.push(block);
  }
}
