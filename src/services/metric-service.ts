import { BadRequestError, PayloadTooLargeError } from "../domain/errors.js";
import { LIMITS } from "../domain/limits.js";
import type { HistoryPoint, LatestMetric, MetricPoint } from "../domain/metric.js";
import { decodePageToken, encodePageToken } from "../domain/page-token.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { checkKey, checkStringMap, keyProblem, quote } from "./key-rules.js";
import { type Page, pageLimit } from "./paging.js";
import { queryFingerprint } from "./query-fingerprint.js";
import type { RunService } from "./run-service.js";

/** A metric value as it arrives: numbers, or the strings JSON needs for the rest. */
export type MetricValueInput = number | "NaN" | "Infinity" | "-Infinity";

export interface MetricInput {
  key: string;
  value: MetricValueInput;
  step?: number;
  timestamp?: number;
}

/** One key's points in columns; `steps` and `timestamps`, when given, match `values` in length. */
export interface SeriesInput {
  key: string;
  values: MetricValueInput[];
  steps?: number[];
  timestamps?: number[];
}

export interface BatchInput {
  metrics?: MetricInput[];
  series?: SeriesInput[];
  params?: Record<string, string>;
  tags?: Record<string, string>;
  idempotencyKey?: string;
}

export interface BatchResult {
  accepted: number;
  duplicate: boolean;
}

export interface HistoryInput {
  startStep?: number;
  endStep?: number;
  maxResults?: number;
  pageToken?: string;
}

export interface DownsampleInput {
  maxPoints: number;
  startStep?: number;
  endStep?: number;
}

export interface Downsampled {
  points: HistoryPoint[];
  downsampled: boolean;
  total: number;
}

export function decodeMetricValue(value: MetricValueInput): number {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  return value === "Infinity" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

function badPoint(index: number, field: string, problem: string): BadRequestError {
  const path = `metrics.${index}.${field}`;
  return new BadRequestError(`${path} ${problem}`, { issues: [{ path, message: problem }] });
}

function badSeries(index: number, field: string, problem: string): BadRequestError {
  const path = `series.${index}.${field}`;
  return new BadRequestError(`${path} ${problem}`, { issues: [{ path, message: problem }] });
}

/** Checks a batch's counts before anything else is looked at: too much is a 413, not a 400. */
export function checkBatchCounts(input: {
  metrics?: number;
  params?: number;
  tags?: number;
}): void {
  const over = (what: string, count: number | undefined, max: number) => {
    if (count !== undefined && count > max) {
      throw new PayloadTooLargeError(`a batch holds at most ${max} ${what} (got ${count})`);
    }
  };
  over("metric points", input.metrics, LIMITS.batchMetrics);
  over("params", input.params, LIMITS.batchParams);
  over("tags", input.tags, LIMITS.batchTags);
}

/** Metric logging (the hot path) and reading. */
export class MetricService {
  constructor(
    private readonly store: MetadataStore,
    private readonly runs: RunService,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Validates and stores one batch in one transaction. Runs in a tight loop:
   * a batch has up to 10,000 points but few keys, so each key is checked once.
   */
  async logBatch(runId: string, input: BatchInput): Promise<BatchResult> {
    const inputs = input.metrics ?? [];
    const series = input.series ?? [];
    const params = input.params ?? {};
    const tags = input.tags ?? {};
    checkBatchCounts({
      metrics: series.reduce((sum, s) => sum + s.values.length, inputs.length),
      params: Object.keys(params).length,
      tags: Object.keys(tags).length,
    });
    checkStringMap({
      kind: "param",
      map: params,
      maxValueLength: LIMITS.paramValueLength,
      path: "params",
    });
    checkStringMap({
      kind: "run tag",
      map: tags,
      maxValueLength: LIMITS.runTagValueLength,
      path: "tags",
    });
    const metrics = this.toPoints(inputs);
    for (let i = 0; i < series.length; i++) this.appendSeries(metrics, series[i] as SeriesInput, i);
    await this.runs.getWritable(runId);
    const result = await this.store.runs.logBatch({
      runId,
      metrics,
      params,
      tags,
      ...(input.idempotencyKey !== undefined ? { idempotencyKey: input.idempotencyKey } : {}),
    });
    return { accepted: metrics.length, duplicate: result.duplicate };
  }

  private toPoints(inputs: MetricInput[]): MetricPoint[] {
    const now = this.now();
    const goodKeys = new Set<string>();
    const points = new Array<MetricPoint>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const m = inputs[i] as MetricInput;
      if (!goodKeys.has(m.key)) {
        const problem = keyProblem(m.key);
        if (problem) throw badPoint(i, "key", `(${quote(m.key)}) ${problem}`);
        goodKeys.add(m.key);
      }
      const step = m.step ?? 0;
      if (!Number.isSafeInteger(step)) throw badPoint(i, "step", "must be a safe integer");
      const timestamp = m.timestamp ?? now;
      if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
        throw badPoint(i, "timestamp", "must be a non-negative integer (milliseconds)");
      }
      points[i] = { key: m.key, value: decodeMetricValue(m.value), step, timestamp };
    }
    return points;
  }

  private appendSeries(points: MetricPoint[], series: SeriesInput, index: number): void {
    const { key, values, steps, timestamps } = series;
    const problem = keyProblem(key);
    if (problem) throw badSeries(index, "key", `(${quote(key)}) ${problem}`);
    if (steps !== undefined && steps.length !== values.length) {
      throw badSeries(index, "steps", `has ${steps.length} entries for ${values.length} values`);
    }
    if (timestamps !== undefined && timestamps.length !== values.length) {
      throw badSeries(
        index,
        "timestamps",
        `has ${timestamps.length} entries for ${values.length} values`,
      );
    }
    const now = this.now();
    for (let i = 0; i < values.length; i++) {
      const step = steps === undefined ? 0 : (steps[i] as number);
      if (!Number.isSafeInteger(step))
        throw badSeries(index, `steps.${i}`, "must be a safe integer");
      const timestamp = timestamps === undefined ? now : (timestamps[i] as number);
      if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
        throw badSeries(index, `timestamps.${i}`, "must be a non-negative integer (milliseconds)");
      }
      points.push({
        key,
        value: decodeMetricValue(values[i] as MetricValueInput),
        step,
        timestamp,
      });
    }
  }

  async latest(runId: string): Promise<LatestMetric[]> {
    await this.runs.getInfo(runId);
    return this.store.metrics.latest(runId);
  }

  /** The latest metrics of many runs in one read; an unknown run maps to `[]`, not an error. */
  latestOfRuns(runIds: readonly string[]): Promise<Map<string, LatestMetric[]>> {
    return this.store.metrics.latestOfRuns(runIds);
  }

  async history(runId: string, key: string, input: HistoryInput): Promise<Page<HistoryPoint>> {
    checkKey("metric", key);
    checkStepRange(input.startStep, input.endStep);
    await this.runs.getInfo(runId);
    const limit = pageLimit(input.maxResults, LIMITS.historyPageDefault, LIMITS.historyPageMax);
    const fingerprint = queryFingerprint(["history", runId, key, input.startStep, input.endStep]);
    const offset = decodePageToken(input.pageToken, fingerprint);
    const rows = await this.store.metrics.history({
      runId,
      key,
      offset,
      limit,
      ...stepRange(input),
    });
    const items = rows.slice(0, limit);
    return rows.length > limit
      ? { items, nextPageToken: encodePageToken(offset + limit, fingerprint) }
      : { items };
  }

  async downsample(runId: string, key: string, input: DownsampleInput): Promise<Downsampled> {
    checkKey("metric", key);
    checkStepRange(input.startStep, input.endStep);
    const max = LIMITS.downsampleMaxPoints;
    if (!Number.isSafeInteger(input.maxPoints) || input.maxPoints < 1 || input.maxPoints > max) {
      throw new BadRequestError(`max_points must be an integer from 1 to ${max}`, {
        issues: [{ path: "max_points", message: `must be an integer from 1 to ${max}` }],
      });
    }
    await this.runs.getInfo(runId);
    const [points, total] = await Promise.all([
      this.store.metrics.downsample({
        runId,
        key,
        maxPoints: input.maxPoints,
        ...stepRange(input),
      }),
      this.store.metrics.count(runId, key),
    ]);
    return { points, downsampled: points.length < total, total };
  }
}

function stepRange(input: { startStep?: number; endStep?: number }) {
  return {
    ...(input.startStep !== undefined ? { startStep: input.startStep } : {}),
    ...(input.endStep !== undefined ? { endStep: input.endStep } : {}),
  };
}

function checkStepRange(start: number | undefined, end: number | undefined): void {
  if (start !== undefined && end !== undefined && start > end) {
    throw new BadRequestError(`start_step (${start}) is after end_step (${end})`, {
      issues: [{ path: "start_step", message: "must not be after end_step" }],
    });
  }
}
