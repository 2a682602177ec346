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
   * The `metrics` array of a batch body as JSON text. `keyJson` holds each key
   * already JSON-quoted, indexed by the numbers in `keys`.
   */
  encodeMetrics(keyJson: readonly string[]): string {
    const parts = new Array<string>(this.length);
    for (let i = 0; i < this.length; i++) {
      parts[i] =
        `{"key":${keyJson[this.keys[i] as number]},"value":${encodeValue(this.values[i] as number)},"step":${this.steps[i]},"timestamp":${this.timestamps[i]}}`;
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
