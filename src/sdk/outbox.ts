import type { HttpClient } from "./http-client.js";
import { LockstepApiError } from "./lockstep-api-error.js";
import { bodyOf, type OutboundRequest } from "./outbound-request.js";
import { backoffDelay, sleep } from "./retry-policy.js";
import type { Spool, SpooledRequest } from "./spool.js";

export interface OutboxOptions {
  http: HttpClient;
  spool: Spool;
  /** How long the server may stay unreachable before queued requests go to disk. */
  spoolAfterMs: number;
  /** The longest pause between attempts. */
  maxBackoffMs: number;
  /** Called once for each request the server refused (4xx other than 429). */
  onRejected(request: OutboundRequest, error: LockstepApiError): void;
}

/** What flush() and end() report: whether everything arrived, and what is still owed. */
export interface FlushResult {
  /** True when everything logged so far reached the server. */
  complete: boolean;
  /** Requests still in memory (sent later by this client, or spooled at exit). */
  inMemory: number;
  /** Requests waiting in the spool directory (sent later by this or the next client). */
  spooled: number;
  spoolDir: string;
}

type Next =
  | { request: OutboundRequest; file?: undefined }
  | { request: SpooledRequest; file: string };

/**
 * Sends requests one at a time, in order. Network failures, 5xx and 429 are
 * retried with backoff; once the server has been unreachable for
 * `spoolAfterMs`, queued requests move to the spool and are re-sent from there
 * (spooled ones first) when it answers again.
 */
export class Outbox {
  private readonly queue: OutboundRequest[] = [];
  private inflight: OutboundRequest | undefined;
  private running = false;
  private scheduled = false;
  private failingSince: number | undefined;
  private attempt = 0;
  private spoolMayHaveFiles = true;
  private idleListeners: (() => void)[] = [];

  constructor(private readonly options: OutboxOptions) {}

  enqueue(request: OutboundRequest): void {
    this.queue.push(request);
    this.schedule();
  }

  /** Starts sending on a later turn of the event loop; never on the caller's stack. */
  schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  /** Schedules sending only if something waits in memory: for beforeExit, which must not loop. */
  scheduleIfPending(): void {
    if (this.queue.length > 0) this.schedule();
  }

  /** Also looks at the spool directory again (for drainSpool()). */
  rescanSpool(): void {
    this.spoolMayHaveFiles = true;
    this.schedule();
  }

  get idle(): boolean {
    return !this.running && !this.scheduled && this.queue.length === 0;
  }

  /** Resolves true once everything was sent (or refused), false after `timeoutMs`. */
  waitForIdle(timeoutMs: number): Promise<boolean> {
    this.schedule();
    if (this.idle) return Promise.resolve(true);
    return new Promise((resolve) => {
      const listener = () => {
        clearTimeout(timer);
        resolve(true);
      };
      // A ref'd timer: keeps the process alive while someone awaits delivery.
      const timer = setTimeout(() => {
        this.idleListeners = this.idleListeners.filter((l) => l !== listener);
        resolve(false);
      }, timeoutMs);
      this.idleListeners.push(listener);
    });
  }

  report(): FlushResult {
    const inMemory = this.queue.length + (this.inflight ? 1 : 0);
    const spooled = this.ownSpoolFiles().length;
    return {
      complete: inMemory === 0 && spooled === 0,
      inMemory,
      spooled,
      spoolDir: this.options.spool.dir,
    };
  }

  /**
   * Writes everything still in memory to the spool, synchronously: for exit
   * handlers. The request in flight is written too; its idempotency key makes
   * a second delivery harmless.
   */
  spoolAll(): number {
    const pending = this.inflight ? [this.inflight, ...this.queue] : [...this.queue];
    this.queue.length = 0;
    for (const request of pending) this.toSpool(request);
    return pending.length;
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        if (this.shouldSpool()) this.spoolQueued();
        const next = this.next();
        if (!next) break;
        const outcome = await this.send(next.request);
        if (outcome === "retry") {
          if (!next.file) this.queue.unshift(next.request);
          this.failingSince ??= Date.now();
          this.attempt++;
          // Unref'd: a process that is done may exit; its exit handler spools the rest.
          await sleep(this.retryDelay(), false);
          continue;
        }
        this.failingSince = undefined;
        this.attempt = 0;
        if (next.file) this.options.spool.remove(next.file);
      }
    } finally {
      this.running = false;
      this.inflight = undefined;
    }
    const listeners = this.idleListeners;
    this.idleListeners = [];
    for (const listener of listeners) listener();
  }

  private next(): Next | undefined {
    while (this.spoolMayHaveFiles) {
      const file = this.ownSpoolFiles()[0];
      if (!file) {
        this.spoolMayHaveFiles = false;
        break;
      }
      const request = this.options.spool.read(file);
      if (request) return { request, file };
      this.options.spool.quarantine(file);
    }
    const request = this.queue.shift();
    return request ? { request } : undefined;
  }

  private async send(request: OutboundRequest): Promise<"done" | "retry"> {
    const fromMemory = !("file" in request);
    if (fromMemory) this.inflight = request;
    try {
      const response = this.options.http.once({
        method: request.method,
        path: request.path,
        body: bodyOf(request),
      });
      // Encode the next batch while the server works on this one.
      setImmediate(() => {
        const following = this.queue[0];
        if (following) bodyOf(following);
      });
      await response;
      return "done";
    } catch (error) {
      if (error instanceof LockstepApiError && error.retryable) return "retry";
      // Anything else (a 4xx, or a body that cannot be encoded) would fail again: drop it, loudly.
      const refusal =
        error instanceof LockstepApiError
          ? error
          : new LockstepApiError(-1, "CLIENT_ERROR", String(error), { cause: error });
      this.options.onRejected(request, refusal);
      return "done";
    } finally {
      if (fromMemory) this.inflight = undefined;
    }
  }

  /** Backoff, but never sleeping past the moment queued requests are due for the spool. */
  private retryDelay(): number {
    const delay = backoffDelay(this.attempt, { baseMs: 100, maxMs: this.options.maxBackoffMs });
    if (this.failingSince === undefined || this.queue.length === 0) return delay;
    const untilSpool = this.failingSince + this.options.spoolAfterMs - Date.now();
    return untilSpool > 0 ? Math.min(delay, untilSpool) : delay;
  }

  private shouldSpool(): boolean {
    return (
      this.failingSince !== undefined &&
      Date.now() - this.failingSince >= this.options.spoolAfterMs &&
      this.queue.length > 0
    );
  }

  private spoolQueued(): void {
    for (const request of this.queue.splice(0)) this.toSpool(request);
  }

  private toSpool(request: OutboundRequest): void {
    this.options.spool.write({ ...request, body: bodyOf(request) });
    this.spoolMayHaveFiles = true;
  }

  private ownSpoolFiles(): string[] {
    return this.options.spool.list();
  }
}
