import type { LifecycleStage } from "../../domain/experiment.js";
import type { Run, RunCapture, RunInfo, RunIo, RunKind, RunStatus } from "../../domain/run.js";
import type { RunTable } from "../database.js";
import type { NewRun } from "../metadata-store.js";

export type RunInfoRow = Omit<RunTable, "capture">;

export function runRowToRunInfo(row: RunInfoRow): RunInfo {
  return {
    id: row.run_id,
    experimentId: String(row.experiment_id),
    name: row.name,
    status: row.status as RunStatus,
    kind: row.kind as RunKind,
    parentId: row.parent_id,
    userId: row.user_id,
    startTime: row.start_time,
    endTime: row.end_time,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
    artifactUri: row.artifact_uri,
  };
}

/** What a run carries besides its own row, loaded in bulk for a page of runs. */
export interface RunDetails {
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  inputs: RunIo[];
  outputs: RunIo[];
}

export function emptyRunDetails(): RunDetails {
  return { params: {}, tags: {}, metrics: {}, inputs: [], outputs: [] };
}

export function runRowToRun(row: RunInfoRow, details: RunDetails, capture?: string | null): Run {
  const run: Run = { ...runRowToRunInfo(row), ...details };
  if (capture !== undefined && capture !== null) {
    run.capture = JSON.parse(capture) as RunCapture;
  }
  return run;
}

/** `latest_metrics` keeps NaN as NULL with `is_nan = 1`, since SQL REAL columns cannot hold it. */
export function latestMetricValue(value: number | null, isNan: number): number {
  if (isNan !== 0 || value === null) return Number.NaN;
  return value;
}

/** A run just created: what the adapters return from `create` without reading it back. */
export function newRunToRun(input: NewRun): Run {
  return {
    id: input.id,
    experimentId: input.experimentId,
    name: input.name,
    status: input.status,
    kind: input.kind,
    parentId: input.parentId,
    userId: input.userId,
    startTime: input.startTime,
    endTime: null,
    lifecycleStage: "active",
    artifactUri: input.artifactUri,
    params: { ...input.params },
    tags: { ...input.tags },
    metrics: {},
    inputs: [],
    outputs: [],
  };
}
