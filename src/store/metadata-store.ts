import type { Experiment, LifecycleStage, ViewType } from "../domain/experiment.js";
import type { HistoryPoint, LatestMetric, MetricPoint } from "../domain/metric.js";
import type { Run, RunCapture, RunInfo, RunIo, RunKind, RunStatus } from "../domain/run.js";
import type { Filter, OrderBy } from "../domain/search-filter.js";
import type { DatasetStore } from "./dataset-store.js";
import type { ModelRegistryStore } from "./model-registry-store.js";
import type { SweepStore } from "./sweep-store.js";

/**
 * The metadata port. Services talk only to this; the SQLite and PostgreSQL
 * adapters implement it and pass one contract suite (store-contract.ts).
 *
 * Conventions: lookups return `undefined` when nothing matches (the service
 * decides that means 404); writes to a missing run or experiment throw
 * NotFoundError; unique-name clashes and write-once violations throw
 * ConflictError. Driver errors never leave the adapter.
 */
export interface MetadataStore {
  readonly dialect: "sqlite" | "postgres";
  readonly experiments: ExperimentStore;
  readonly runs: RunStore;
  readonly metrics: MetricStore;
  readonly artifacts: ArtifactIndex;
  readonly datasets: DatasetStore;
  readonly models: ModelRegistryStore;
  readonly sweeps: SweepStore;
  close(): Promise<void>;
}

export interface NewExperiment {
  name: string;
  /** When omitted the adapter stores "" and the service fills in a default. */
  artifactLocation?: string;
  tags?: Record<string, string>;
  now: number;
}

export interface ExperimentSearch {
  viewType: ViewType;
  /** Only `attribute` comparisons on `name`, `creation_time`, `last_update_time` and `tag` ones. */
  filter: Filter;
  /** `attribute` order keys: name, creation_time, last_update_time, experiment_id. */
  orderBy: OrderBy[];
  offset: number;
  limit: number;
}

export interface ExperimentStore {
  /** Throws ConflictError when the name is taken (by an active or deleted experiment). */
  create(input: NewExperiment): Promise<Experiment>;
  get(id: string): Promise<Experiment | undefined>;
  getByName(name: string): Promise<Experiment | undefined>;
  /** Returns `limit + 1` rows at most so the caller can tell whether a next page exists. */
  search(query: ExperimentSearch): Promise<Experiment[]>;
  rename(id: string, name: string, now: number): Promise<void>;
  setLifecycle(id: string, stage: LifecycleStage, now: number): Promise<void>;
  setTag(id: string, key: string, value: string, now: number): Promise<void>;
  deleteTag(id: string, key: string, now: number): Promise<void>;
}

export interface NewRun {
  id: string;
  experimentId: string;
  name: string;
  userId: string;
  status: RunStatus;
  kind: RunKind;
  parentId: string | null;
  startTime: number;
  artifactUri: string;
  tags: Record<string, string>;
  params: Record<string, string>;
}

export interface RunPatch {
  status?: RunStatus;
  endTime?: number | null;
  name?: string;
}

export interface RunSearch {
  experimentIds: string[];
  filter: Filter;
  viewType: ViewType;
  /** Empty means start_time DESC, then run_id ASC. */
  orderBy: OrderBy[];
  offset: number;
  limit: number;
}

/** Everything one batch writes, applied in one transaction. */
export interface RunBatch {
  runId: string;
  metrics: MetricPoint[];
  params: Record<string, string>;
  tags: Record<string, string>;
  /**
   * When set and already recorded for this run, the whole batch is skipped
   * and `duplicate` is reported: a retried request is never stored twice.
   */
  idempotencyKey?: string;
}

export interface RunBatchResult {
  duplicate: boolean;
}

export interface RunStore {
  /** Throws NotFoundError for an unknown experiment or parent run. */
  create(input: NewRun): Promise<Run>;
  /** The whole run, capture included. */
  get(id: string): Promise<Run | undefined>;
  getInfo(id: string): Promise<RunInfo | undefined>;
  update(id: string, patch: RunPatch): Promise<void>;
  setLifecycle(id: string, stage: LifecycleStage, deletedAt: number): Promise<void>;
  /** Throws ConflictError naming the key, old and new value when a param would change. */
  logBatch(batch: RunBatch): Promise<RunBatchResult>;
  deleteTag(id: string, key: string): Promise<void>;
  /** Runs without `capture`; returns `limit + 1` rows at most so the caller can page. */
  search(query: RunSearch): Promise<Run[]>;
  /** Direct children of a run, oldest first. */
  children(parentId: string): Promise<Run[]>;
  setCapture(id: string, capture: RunCapture): Promise<void>;
  addIo(id: string, direction: "input" | "output", io: RunIo[]): Promise<void>;
}

export interface HistoryQuery {
  runId: string;
  key: string;
  startStep?: number;
  endStep?: number;
  offset: number;
  limit: number;
}

export interface DownsampleQuery {
  runId: string;
  key: string;
  maxPoints: number;
  startStep?: number;
  endStep?: number;
}

export interface MetricStore {
  /** Latest value of every key of a run. */
  latest(runId: string): Promise<LatestMetric[]>;
  /** `latest` for many runs in one query (per chunk of ids); every id maps, `[]` when it has none. */
  latestOfRuns(runIds: readonly string[]): Promise<Map<string, LatestMetric[]>>;
  /**
   * A key's points ordered by step, then timestamp, then logging order;
   * `limit + 1` at most so the caller can page.
   */
  history(query: HistoryQuery): Promise<HistoryPoint[]>;
  /**
   * At most about `maxPoints` points: the step range is cut into buckets and
   * each bucket keeps its first, minimum, maximum and last point, so a spike
   * is never hidden. NaN points are kept (they are what a user looks for).
   */
  downsample(query: DownsampleQuery): Promise<HistoryPoint[]>;
  /** How many points a key holds. */
  count(runId: string, key: string): Promise<number>;
}

export interface ArtifactEntry {
  runId: string;
  /** Relative, `/`-separated, never starting with `/` and never containing `..`. */
  path: string;
  digest: string;
  size: number;
  createdAt: number;
}

export interface ArtifactIndex {
  /** Records (or replaces) the artifact at a path. */
  put(entry: ArtifactEntry): Promise<void>;
  get(runId: string, path: string): Promise<ArtifactEntry | undefined>;
  /** Every artifact at or below a folder ("" for the run's root). */
  listUnder(runId: string, folder: string): Promise<ArtifactEntry[]>;
  delete(runId: string, path: string): Promise<boolean>;
  /** Every digest any artifact refers to (for garbage collection). */
  digests(): AsyncIterable<string>;
}

/** Re-exported for adapters. */
export type { HistoryPoint, LatestMetric, MetricPoint };
