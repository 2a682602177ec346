import { randomUUID } from "node:crypto";
import { KEY_PATTERN, LIMITS } from "../../domain/limits.js";
import type { HttpClient } from "../../sdk/http-client.js";
import { type FlushResult, Outbox } from "../../sdk/outbox.js";
import type { EndStatus } from "../../sdk/sdk-options.js";
import { defaultSpoolDir, Spool } from "../../sdk/spool.js";

/**
 * The wrapper's logger for one run, on the SDK's outbox: metrics are sent in
 * batches every second, retried, and spooled to disk while the server is away.
 * Unlike RunHandle it keeps a timestamp given with a metric (the metrics file
 * may carry one) and attaches to a run created elsewhere.
 */
export class MetricBatcher {
  private readonly outbox: Outbox;
  private readonly runId: string;
  private readonly path: string;
  private parts: string[] = [];
  private tags: Record<string, string> = {};
  private timer: NodeJS.Timeout | undefined;
  private readonly refusals: string[] = [];

  constructor(options: { http: HttpClient; runId: string; flushIntervalMs?: number }) {
    this.runId = options.runId;
    this.path = `/api/v1/runs/${options.runId}/batch`;
    this.outbox = new Outbox({
      http: options.http,
      spool: new Spool(defaultSpoolDir(), options.http.baseUrl),
      spoolAfterMs: 3000,
      maxBackoffMs: 2000,
      onRejected: (_request, error) => this.refusals.push(`${error.status} ${error.message}`),
    });
    this.timer = setInterval(() => this.seal(), options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Throws on a key the server would refuse, so the caller can count it as bad input. */
  log(key: string, value: number, step: number, timestamp: number = Date.now()): void {
    if (key.length > LIMITS.keyLength || !KEY_PATTERN.test(key)) {
      throw new TypeError(`invalid metric key '${key}'`);
    }
    const encoded = Number.isFinite(value) ? String(value) : `"${value}"`;
    this.parts.push(
      `{"key":${JSON.stringify(key)},"value":${encoded},"step":${step},"timestamp":${timestamp}}`,
    );
    if (this.parts.length >= LIMITS.batchMetrics) this.seal();
  }

  setTag(key: string, value: string): void {
    this.tags[key] = value;
  }

  /** Sends what was logged and tagged so far now, rather than on the next tick of the timer. */
  flush(): void {
    this.seal();
  }

  /** Sends the rest, then the run's status and end time; waits up to `timeoutMs`. */
  async end(status: EndStatus, timeoutMs = 30_000): Promise<FlushResult & { refusals: string[] }> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.seal();
    this.outbox.enqueue({
      runId: this.runId,
      method: "PATCH",
      path: `/api/v1/runs/${this.runId}`,
      body: JSON.stringify({ status, endTime: Date.now() }),
      points: 0,
    });
    const delivered = await this.outbox.waitForIdle(timeoutMs);
    // What could not be sent waits on disk for the next client (any `lockstep` command or SDK).
    if (!delivered) this.outbox.spoolAll();
    return { ...this.outbox.report(), refusals: this.refusals };
  }

  private seal(): void {
    const tags = this.tags;
    const hasTags = Object.keys(tags).length > 0;
    if (this.parts.length === 0 && !hasTags) return;
    const metrics = this.parts;
    this.parts = [];
    this.tags = {};
    this.outbox.enqueue({
      runId: this.runId,
      method: "POST",
      path: this.path,
      body: `{"metrics":[${metrics.join(",")}],"tags":${JSON.stringify(tags)},"idempotencyKey":"${randomUUID()}"}`,
      points: metrics.length,
    });
  }
}
