import type { Generated } from "kysely";
import type { ModelRegistryTables } from "./model-registry-tables.js";
import type { SweepTables } from "./sweep-tables.js";

/**
 * Row types of every table, as Kysely sees them. Columns are snake_case; each
 * adapter maps rows to domain objects in one place per table.
 *
 * Time columns are milliseconds since the epoch (bigint). Metric values are
 * kept in two forms: the full history packed into columnar blocks per
 * (run, key) — `metric_blocks` — and the latest value per key in
 * `latest_metrics` for search. SQL cannot hold NaN in a REAL column (SQLite
 * turns it into NULL), so `latest_metrics.value` is NULL for NaN with
 * `is_nan = 1`; the blocks keep the exact float64 bits.
 */
export interface Database extends ModelRegistryTables, SweepTables {
  experiments: ExperimentTable;
  experiment_tags: KeyValueTable & { experiment_id: number };
  runs: RunTable;
  run_params: KeyValueTable & { run_id: string };
  run_tags: KeyValueTable & { run_id: string };
  latest_metrics: LatestMetricTable;
  metric_blocks: MetricBlockTable;
  ingest_keys: IngestKeyTable;
  run_io: RunIoTable;
  artifacts: ArtifactTable;
  datasets: DatasetTable;
  dataset_versions: DatasetVersionTable;
}

export interface ExperimentTable {
  experiment_id: Generated<number>;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

export interface KeyValueTable {
  key: string;
  value: string;
}

export interface RunTable {
  run_id: string;
  experiment_id: number;
  name: string;
  user_id: string;
  status: string;
  kind: string;
  parent_id: string | null;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: string;
  deleted_time: number | null;
  artifact_uri: string;
  /** JSON text of RunCapture, or NULL before capture. */
  capture: string | null;
}

export interface LatestMetricTable {
  run_id: string;
  key: string;
  /** NULL when the value is NaN. */
  value: number | null;
  is_nan: number;
  step: number;
  timestamp: number;
}

/**
 * A block of points of one (run, key), in logging order within the block.
 * `steps`, `vals` and `times` are little-endian float64 arrays of `count`
 * entries each. `seq` increases per (run, key) with every block written.
 */
export interface MetricBlockTable {
  run_id: string;
  key: string;
  seq: number;
  count: number;
  step_min: number;
  step_max: number;
  steps: Uint8Array;
  vals: Uint8Array;
  times: Uint8Array;
}

export interface IngestKeyTable {
  run_id: string;
  idempotency_key: string;
  created_at: number;
}

export interface RunIoTable {
  run_id: string;
  direction: string;
  kind: string;
  name: string;
  version: string;
  digest: string;
  context: string;
}

export interface ArtifactTable {
  run_id: string;
  path: string;
  digest: string;
  size: number;
  created_at: number;
}

/** `last_*` survive retention, so numbers are never reused and times keep rising. */
export interface DatasetTable {
  name: string;
  created_at: number;
  last_number: number;
  last_created_at: number;
  keep_last: number | null;
  keep_within_days: number | null;
}

export interface DatasetVersionTable {
  name: string;
  number: number;
  digest: string;
  created_at: number;
  message: string | null;
  source: string | null;
  size: number;
  files: number;
}
