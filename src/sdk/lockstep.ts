import { drawRootSeed, MAX_SEED } from "../capture/seeds.js";
import { LIMITS } from "../domain/limits.js";
import type { Run } from "../domain/run.js";
import { LockstepApi } from "./api-client.js";
import { type ExitParticipant, registerForExit, unregisterForExit } from "./exit-hooks.js";
import type { LockstepApiError } from "./lockstep-api-error.js";
import { MetricBlockPool } from "./metric-block.js";
import type { OutboundRequest } from "./outbound-request.js";
import { type FlushResult, Outbox } from "./outbox.js";
import { RunHandle } from "./run-handle.js";
import type { RunOwner } from "./run-owner.js";
import { mathRandomHeldBy } from "./run-random.js";
import type { FlushOptions, LockstepOptions, StartRunOptions } from "./sdk-options.js";
import { defaultSpoolDir, Spool } from "./spool.js";
import { resolveTrackingUri } from "./tracking-uri.js";

/**
 * The Lockstep client: starts runs and sends what they log in the background,
 * in batches, retrying and spooling to disk while the server is unreachable.
 *
 * @example
 * ```ts
 * const ls = new Lockstep({ trackingUri: "http://127.0.0.1:5005" });
 * const run = await ls.startRun({ experiment: "digits", seed: 7, params: { lr: 0.01 } });
 * for (let step = 0; step < 100; step++) run.logMetric("loss", 1 / (step + 1), step);
 * await run.end();
 * ```
 */
export class Lockstep {
  /** The typed HTTP API client this one builds on. */
  readonly api: LockstepApi;
  readonly trackingUri: string;
  readonly spoolDir: string;

  private readonly outbox: Outbox;
  private readonly pool: MetricBlockPool;
  private readonly runs = new Map<string, RunHandle>();
  private readonly refusals = new Map<string, LockstepApiError[]>();
  private readonly flushIntervalMs: number;
  private readonly flushTimeoutMs: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly owner: RunOwner;
  private readonly exitParticipant: ExitParticipant;

  constructor(options: LockstepOptions = {}) {
    this.trackingUri = resolveTrackingUri(options.trackingUri);
    this.spoolDir = options.spoolDir ?? defaultSpoolDir();
    this.flushIntervalMs = positive(options.flushIntervalMs ?? 1000, "flushIntervalMs");
    this.flushTimeoutMs = positive(options.flushTimeoutMs ?? 30_000, "flushTimeoutMs");
    const maxBatch = positive(options.maxBatch ?? LIMITS.batchMetrics, "maxBatch");
    this.pool = new MetricBlockPool(Math.min(Math.floor(maxBatch), LIMITS.batchMetrics));
    this.api = new LockstepApi({ baseUrl: this.trackingUri });
    this.outbox = new Outbox({
      http: this.api.http,
      spool: new Spool(this.spoolDir, this.trackingUri),
      spoolAfterMs: options.spoolAfterMs ?? 3000,
      maxBackoffMs: 2000,
      onRejected: (request, error) => this.refused(request, error),
    });
    this.owner = {
      api: this.api,
      pool: this.pool,
      enqueue: (request) => this.outbox.enqueue(request),
      flushFor: (runId, timeoutMs) => this.flushFor(runId, timeoutMs),
      startRunWith: (opts) => this.startRun(opts),
      released: (runId) => this.runs.delete(runId),
    };
    this.exitParticipant = {
      onBeforeExit: () => {
        this.sealAll();
        this.outbox.scheduleIfPending();
      },
      onExitSync: () => {
        this.sealAll();
        this.outbox.spoolAll();
      },
    };
    registerForExit(this.exitParticipant);
    // Whatever an earlier process left in the spool for this server goes first.
    this.outbox.rescanSpool();
  }

  /** Creates a run on the server and returns its handle. */
  async startRun(options: StartRunOptions = {}): Promise<RunHandle> {
    const seed = options.seed ?? drawRootSeed();
    if (!Number.isSafeInteger(seed) || seed < 0 || seed > MAX_SEED) {
      throw new TypeError(`seed must be a non-negative integer up to ${MAX_SEED}, got ${seed}`);
    }
    const mathRandomHolder = mathRandomHeldBy();
    if (options.deterministicMathRandom && mathRandomHolder !== undefined) {
      throw new Error(
        `Math.random is already deterministic for run ${mathRandomHolder}; end that run first`,
      );
    }
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.params ?? {})) params[key] = String(value);
    params.seed = String(seed);
    const run = await this.api.createRun({
      ...(options.experimentId !== undefined
        ? { experimentId: options.experimentId }
        : options.experiment !== undefined
          ? { experimentName: options.experiment }
          : {}),
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.parent !== undefined ? { parentId: options.parent } : {}),
      ...(options.kind !== undefined ? { kind: options.kind } : {}),
      tags: { ...options.tags, "lockstep.seed": String(seed) },
      params,
    });
    const handle = new RunHandle({
      owner: this.owner,
      id: run.id,
      experimentId: run.experimentId,
      seed,
      seedSource: options.seed === undefined ? "drawn" : "given",
      params: run.params,
      capture: options.capture ?? true,
      deterministicMathRandom: options.deterministicMathRandom ?? false,
      flushTimeoutMs: this.flushTimeoutMs,
    });
    this.runs.set(run.id, handle);
    this.startTimer();
    return handle;
  }

  /** The run as the server has it now (what has arrived so far). */
  getRun(id: string): Promise<Run> {
    return this.api.getRun(id);
  }

  /**
   * Sends everything every run logged so far and waits for delivery (or the
   * timeout); throws the first LockstepApiError the server answered.
   */
  flush(options: FlushOptions = {}): Promise<FlushResult> {
    return this.flushFor(undefined, options.timeoutMs);
  }

  /** Re-sends what the spool holds for this server and waits (up to the timeout). */
  async drainSpool(options: FlushOptions = {}): Promise<FlushResult> {
    this.outbox.rescanSpool();
    await this.outbox.waitForIdle(options.timeoutMs ?? this.flushTimeoutMs);
    return this.outbox.report();
  }

  /** Flushes, then stops the background timer and the exit handlers. */
  async close(options: FlushOptions = {}): Promise<FlushResult> {
    try {
      return await this.flush(options);
    } finally {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      unregisterForExit(this.exitParticipant);
    }
  }

  private async flushFor(
    runId: string | undefined,
    timeoutMs: number | undefined,
  ): Promise<FlushResult> {
    this.sealAll();
    await this.outbox.waitForIdle(timeoutMs ?? this.flushTimeoutMs);
    const refusal = this.takeRefusal(runId);
    if (refusal) throw refusal;
    return this.outbox.report();
  }

  private sealAll(): void {
    for (const run of this.runs.values()) run.seal();
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.sealAll();
      if (this.runs.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  private refused(request: OutboundRequest, error: LockstepApiError): void {
    process.stderr.write(
      `lockstep: the server refused a write to run ${request.runId}: ${error.status} ${error.code}: ${error.message}\n`,
    );
    const list = this.refusals.get(request.runId) ?? [];
    list.push(error);
    this.refusals.set(request.runId, list);
  }

  private takeRefusal(runId: string | undefined): LockstepApiError | undefined {
    const ids = runId === undefined ? [...this.refusals.keys()] : [runId];
    for (const id of ids) {
      const first = this.refusals.get(id)?.[0];
      if (first) {
        this.refusals.delete(id);
        return first;
      }
    }
    return undefined;
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be positive`);
  return value;
}
