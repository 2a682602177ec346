import { type FSWatcher, watch } from "node:fs";
import { open } from "node:fs/promises";

/** Receives each good line; throwing counts the line as malformed. */
export type MetricSink = (key: string, value: number, step: number, timestamp?: number) => void;

export type MetricsFileTailerOptions = {
  path: string;
  sink: MetricSink;
  /** The fallback poll, for file systems where fs.watch stays silent. Default is 500 ms. */
  pollMs?: number;
};

const CHUNK = 64 * 1024;
/** A longer line is certainly not a metric; it is skipped rather than buffered. */
const MAX_LINE = 1024 * 1024;
const NEWLINE = 0x0a;
const SPECIAL = new Map<unknown, number>([
  ["NaN", Number.NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
]);

/**
 * Follows `$LOCKSTEP_METRICS_FILE` while the command runs: one JSON object a
 * line, `{"key": "loss", "value": 0.42, "step": 3, "timestamp": 1700000000000}`.
 * Partial lines wait for their end; lines that are not metrics are counted and
 * skipped, never fatal.
 */
export class MetricsFileTailer {
  /** Lines that were not a valid metric. */
  skipped = 0;
  /** Metrics handed to the sink. */
  accepted = 0;
  private readonly options: MetricsFileTailerOptions;
  private offset = 0;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private discarding = false;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(options: MetricsFileTailerOptions) {
    this.options = options;
  }

  start(): void {
    try {
      this.watcher = watch(this.options.path, { persistent: false }, () => this.poke());
      this.watcher.on("error", () => this.watcher?.close());
    } catch {
      // Polling alone still works.
    }
    this.timer = setInterval(() => this.poke(), this.options.pollMs ?? 500);
    this.timer.unref();
  }

  /** Reads what remains, takes an unterminated last line as complete, and stops. */
  async stop(): Promise<void> {
    // No read may start after this one: two reads from the same offset would
    // log the same lines twice.
    this.stopped = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.reading;
    await this.readAvailable();
    if (this.partialBytes > 0 && !this.discarding) this.line(Buffer.concat(this.partial));
    this.partial = [];
    this.partialBytes = 0;
  }

  private poke(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readAvailable().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  private async readAvailable(): Promise<void> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.options.path, "r");
    } catch {
      return; // removed by the command: nothing to read
    }
    try {
      const { size } = await handle.stat();
      if (size < this.offset) {
        // Truncated or replaced: start over.
        this.offset = 0;
        this.partial = [];
        this.partialBytes = 0;
      }
      const buffer = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        this.consume(buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
  }

  private consume(bytes: Buffer): void {
    let start = 0;
    for (let nl = bytes.indexOf(NEWLINE, start); nl !== -1; nl = bytes.indexOf(NEWLINE, start)) {
      const piece = bytes.subarray(start, nl);
      if (this.discarding) {
        this.discarding = false;
      } else if (this.partialBytes === 0) {
        this.line(piece);
      } else {
        this.partial.push(Buffer.from(piece));
        this.line(Buffer.concat(this.partial));
      }
      this.partial = [];
      this.partialBytes = 0;
      start = nl + 1;
    }
    if (start < bytes.length && !this.discarding) {
      // Copied: the read buffer is reused for the next chunk.
      this.partial.push(Buffer.from(bytes.subarray(start)));
      this.partialBytes += bytes.length - start;
      if (this.partialBytes > MAX_LINE) {
        this.skipped++;
        this.discarding = true;
        this.partial = [];
        this.partialBytes = 0;
      }
    }
  }

  private line(bytes: Buffer): void {
    const text = bytes.toString("utf8").trim();
    if (text === "") return;
    const metric = parseMetricLine(text);
    if (!metric) {
      this.skipped++;
      return;
    }
    try {
      this.options.sink(metric.key, metric.value, metric.step, metric.timestamp);
      this.accepted++;
    } catch {
      this.skipped++;
    }
  }
}

export type MetricLine = { key: string; value: number; step: number; timestamp?: number };

/** One line of the metrics file, or undefined when it is not a metric. */
export function parseMetricLine(text: string): MetricLine | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    try {
      // Python's json.dumps writes bare NaN and Infinity, which JSON does not allow.
      parsed = JSON.parse(text.replace(/:\s*(-?Infinity|NaN)\s*([,}])/g, ':"$1"$2'));
    } catch {
      return undefined;
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const { key, value, step, timestamp } = parsed as Record<string, unknown>;
  if (typeof key !== "string" || key === "") return undefined;
  const number = typeof value === "number" ? value : SPECIAL.get(value);
  if (number === undefined) return undefined;
  if (step !== undefined && !Number.isSafeInteger(step)) return undefined;
  if (timestamp !== undefined && !(Number.isSafeInteger(timestamp) && (timestamp as number) >= 0)) {
    return undefined;
  }
  const line: MetricLine = { key, value: number, step: (step as number | undefined) ?? 0 };
  if (timestamp !== undefined) line.timestamp = timestamp as number;
  return line;
}
