import { randomUUID } from "node:crypto";
import { basename } from "node:path";
import type { SeedCapture } from "../capture/capture-types.js";
import type { SeededGenerator } from "../capture/seeds.js";
import { KEY_PATTERN, LIMITS } from "../domain/limits.js";
import type { StoredArtifact } from "./api-client.js";
import type { DatasetVersionInfo } from "./api-datasets.js";
import { logArtifact } from "./artifact-upload.js";
import { type LogDatasetOutputOptions, logDatasetOutput } from "./data/log-dataset-output.js";
import { LockstepApiError } from "./lockstep-api-error.js";
import type { MetricBlock } from "./metric-block.js";
import type { FlushResult } from "./outbox.js";
import { RunCaptureRecorder } from "./run-capture.js";
import { type UseDatasetOptions, useDataset } from "./run-dataset.js";
import { type LoggedModel, type LogModelOptions, logModel } from "./run-log-model.js";
import type { RunOwner } from "./run-owner.js";
import { holdMathRandom, RunSeeds } from "./run-random.js";
import type { ChildRunOptions, EndStatus, FlushOptions, ParamValue } from "./sdk-options.js";

/**
 * A run being tracked. Logging calls return at once: metrics go into
 * preallocated column buffers and are sent in batches in the background.
 */
export class RunHandle {
  /** The run's id: 32 lowercase hex characters. */
  readonly id: string;
  readonly experimentId: string;
  /** The root seed, given or drawn; also logged as param `seed` and tag `lockstep.seed`. */
  readonly seed: number;

  private readonly owner: RunOwner;
  private readonly keyIds = new Map<string, number>();
  /** Each key JSON-quoted once, indexed by its id in the metric block. */
  private readonly keyJson: string[] = [];
  private block: MetricBlock;
  private readonly params = new Map<string, string>();
  private pendingParams: Record<string, string> = {};
  private pendingTags: Record<string, string> = {};
  private pendingExtras = 0;
  private ended = false;
  private endResult: Promise<FlushResult> | undefined;
  private readonly seeds: RunSeeds;
  private readonly recorder: RunCaptureRecorder;
  private readonly flushTimeoutMs: number;
  private releaseMathRandom: (() => void) | undefined;

  /** @internal Made by Lockstep.startRun. */
  constructor(init: {
    owner: RunOwner;
    id: string;
    experimentId: string;
    seed: number;
    seedSource: SeedCapture["source"];
    params: Record<string, string>;
    capture: boolean;
    deterministicMathRandom: boolean;
    flushTimeoutMs: number;
  }) {
    this.owner = init.owner;
    this.id = init.id;
    this.experimentId = init.experimentId;
    this.seed = init.seed;
    this.block = init.owner.pool.take();
    for (const [key, value] of Object.entries(init.params)) this.params.set(key, value);
    this.flushTimeoutMs = init.flushTimeoutMs;
    this.seeds = new RunSeeds(init.seed);
    if (init.deterministicMathRandom) this.releaseMathRandom = holdMathRandom(this.id, this.seeds);
    this.recorder = new RunCaptureRecorder({
      api: init.owner.api,
      runId: init.id,
      seeds: this.seeds,
      seedSource: init.seedSource,
      capture: init.capture,
    });
  }

  /**
   * A seeded generator for `label` (xoroshiro128+ from pure-rand, seeded with
   * `deriveSeed(run.seed, label)`; see docs/seeds.md). The same label always
   * starts the same stream. The derived seed is recorded in
   * `capture.seed.derived` by the next flush() or end().
   *
   * @example
   * const shuffle = run.random("data-shuffle");
   * const j = Math.floor(shuffle.next() * (i + 1));
   */
  random(label: string): SeededGenerator {
    if (this.ended) throw this.endedError();
    return this.seeds.random(label);
  }

  /** Every derived seed this run handed out, by label. */
  derivedSeeds(): Record<string, number> {
    return this.seeds.derivedSeeds();
  }

  /**
   * Records one value of a metric; returns at once. NaN and ±Infinity are allowed.
   * @param step - An integer. Default is `0`.
   */
  logMetric(key: string, value: number, step?: number): void {
    if (this.ended) throw this.endedError();
    let k = this.keyIds.get(key);
    if (k === undefined) k = this.addKey(key);
    if (typeof value !== "number") throw new TypeError(`metric '${key}': value must be a number`);
    const s = step === undefined ? 0 : step;
    if (!Number.isSafeInteger(s)) throw new TypeError(`metric '${key}': step must be an integer`);
    const block = this.block;
    const i = block.length;
    block.keys[i] = k;
    block.values[i] = value;
    block.steps[i] = s;
    block.timestamps[i] = Date.now();
    block.length = i + 1;
    if (i + 1 === block.capacity) this.sealMetrics();
  }

  /** Records several metrics at the same step and time. */
  logMetrics(metrics: Record<string, number>, step?: number): void {
    if (this.ended) throw this.endedError();
    const s = step === undefined ? 0 : step;
    if (!Number.isSafeInteger(s)) throw new TypeError("step must be an integer");
    const now = Date.now();
    for (const key in metrics) {
      const value = metrics[key];
      if (typeof value !== "number") throw new TypeError(`metric '${key}': value must be a number`);
      let k = this.keyIds.get(key);
      if (k === undefined) k = this.addKey(key);
      const block = this.block;
      const i = block.length;
      block.keys[i] = k;
      block.values[i] = value;
      block.steps[i] = s;
      block.timestamps[i] = now;
      block.length = i + 1;
      if (i + 1 === block.capacity) this.sealMetrics();
    }
  }

  /** Records a param. Params are write-once: the same key with another value throws (409). */
  logParam(key: string, value: ParamValue): void {
    if (this.ended) throw this.endedError();
    checkKey("param", key);
    const text = String(value);
    const previous = this.params.get(key);
    if (previous !== undefined) {
      if (previous === text) return;
      throw new LockstepApiError(
        409,
        "CONFLICT",
        `param '${key}' already has value '${previous}'; params cannot change`,
      );
    }
    this.params.set(key, text);
    this.pendingParams[key] = text;
    this.countExtra();
  }

  /** Records several params; see logParam. */
  logParams(params: Record<string, ParamValue>): void {
    for (const [key, value] of Object.entries(params)) this.logParam(key, value);
  }

  /** Sets a tag; tags may change. */
  setTag(key: string, value: string): void {
    if (this.ended) throw this.endedError();
    checkKey("tag", key);
    this.pendingTags[key] = String(value);
    this.countExtra();
  }

  /**
   * Uploads a local file as an artifact, streaming it.
   * @param artifactPath - Where in the run's artifacts. Default is the file's name.
   */
  async logArtifact(localPath: string, artifactPath?: string): Promise<StoredArtifact> {
    return logArtifact(this.owner.api.http, {
      runId: this.id,
      localPath,
      artifactPath: artifactPath ?? basename(localPath),
    });
  }

  /**
   * Uploads a model file or folder as artifacts under `model/` (or
   * `artifactPath`) and, with `register`, registers them as the model's next
   * version, pinned to this run.
   * @example const { version } = await run.logModel("./out", { register: "digits-clf" });
   */
  async logModel(localPath: string, options: LogModelOptions = {}): Promise<LoggedModel> {
    return logModel(this.owner.api, this.id, localPath, options);
  }

  /**
   * Makes a dataset version available as a local folder (cached, verified)
   * and records it as an input of this run, with context `training` unless
   * told otherwise. Returns the folder's path.
   * @example const dir = await run.useDataset("digits", { asOf: "2026-03-01" });
   */
  async useDataset(name: string, options: UseDatasetOptions = {}): Promise<string> {
    return useDataset(this.owner.api, this.id, name, options);
  }

  /**
   * Adds a file or folder this run produced as a version of a dataset and
   * records it as an output of the run (context `output` unless told otherwise).
   * @example const v = await run.logDatasetOutput("features", "./out/features");
   */
  async logDatasetOutput(
    name: string,
    path: string,
    options: LogDatasetOutputOptions = {},
  ): Promise<DatasetVersionInfo> {
    return logDatasetOutput(this.owner.api, this.id, name, path, options);
  }

  /** Starts a run nested under this one, in the same experiment. */
  async child(options: ChildRunOptions = {}): Promise<RunHandle> {
    return this.owner.startRunWith({
      ...options,
      experimentId: this.experimentId,
      parent: this.id,
    });
  }

  /**
   * Sends everything logged so far and waits for delivery (or the timeout);
   * throws a LockstepApiError the server answered to this run's writes.
   */
  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    this.seal();
    const [result] = await Promise.all([
      this.owner.flushFor(this.id, options.timeoutMs),
      this.recorder.sync(options.timeoutMs ?? this.flushTimeoutMs),
    ]);
    return result;
  }

  /**
   * Ends the run: sends what is buffered, then its status and end time, and
   * waits for the capture (see StartRunOptions.capture) up to the timeout. When
   * the server is unreachable the writes wait in the spool and the result says
   * so. A seeded Math.random is put back at once.
   * @param status - Default is `FINISHED`.
   */
  end(status: EndStatus = "FINISHED", options: FlushOptions = {}): Promise<FlushResult> {
    if (this.endResult) return this.endResult;
    this.seal();
    this.ended = true;
    this.releaseMathRandom?.();
    this.releaseMathRandom = undefined;
    this.owner.enqueue({
      runId: this.id,
      method: "PATCH",
      path: `/api/v1/runs/${this.id}`,
      body: JSON.stringify({ status, endTime: Date.now() }),
      points: 0,
    });
    const delivered = Promise.all([
      this.owner.flushFor(this.id, options.timeoutMs),
      this.recorder.sync(options.timeoutMs ?? this.flushTimeoutMs),
    ]);
    this.endResult = delivered
      .then(([result]) => result)
      .finally(() => {
        this.owner.released(this.id);
      });
    return this.endResult;
  }

  /** @internal Hands buffered metrics, params and tags to the outbox. */
  seal(): void {
    if (this.pendingExtras > 0) this.sealExtras();
    if (this.block.length > 0) this.sealMetrics();
  }

  private sealMetrics(): void {
    const full = this.block;
    const pool = this.owner.pool;
    this.block = pool.take();
    const keyJson = this.keyJson;
    const idempotencyKey = randomUUID();
    this.owner.enqueue({
      runId: this.id,
      method: "POST",
      path: `/api/v1/runs/${this.id}/batch`,
      body: () => {
        const text = `{"series":${full.encodeSeries(keyJson)},"idempotencyKey":"${idempotencyKey}"}`;
        pool.give(full);
        return text;
      },
      points: full.length,
    });
  }

  private sealExtras(): void {
    const body = JSON.stringify({
      params: this.pendingParams,
      tags: this.pendingTags,
      idempotencyKey: randomUUID(),
    });
    this.pendingParams = {};
    this.pendingTags = {};
    this.pendingExtras = 0;
    this.owner.enqueue({
      runId: this.id,
      method: "POST",
      path: `/api/v1/runs/${this.id}/batch`,
      body,
      points: 0,
    });
  }

  private countExtra(): void {
    this.pendingExtras++;
    const full =
      Object.keys(this.pendingParams).length >= LIMITS.batchParams ||
      Object.keys(this.pendingTags).length >= LIMITS.batchTags;
    if (full) this.sealExtras();
  }

  private addKey(key: string): number {
    checkKey("metric", key);
    const id = this.keyJson.length;
    this.keyJson.push(JSON.stringify(key));
    this.keyIds.set(key, id);
    return id;
  }

  private endedError(): Error {
    return new Error(`run ${this.id} has ended; start a new run to log more`);
  }
}

function checkKey(what: string, key: string): void {
  if (typeof key !== "string" || key === "" || key.length > LIMITS.keyLength) {
    throw new TypeError(`invalid ${what} key '${key}': 1 to ${LIMITS.keyLength} characters`);
  }
  if (!KEY_PATTERN.test(key)) {
    throw new TypeError(
      `invalid ${what} key '${key}': only letters, digits, '_', '-', '.', ' ', ':' and '/'`,
    );
  }
}
