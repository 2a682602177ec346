import type { Experiment } from "../../domain/experiment.js";
import type { LatestMetric } from "../../domain/metric.js";
import type { Run, RunInfo, RunIo } from "../../domain/run.js";
import type { ArtifactListing } from "../../services/artifact-service.js";
import { encodeMetricValue, type MetricJsonValue } from "../metric-json.js";

/** MLflow's data context tag on a dataset input. */
export const DATASET_CONTEXT_TAG = "mlflow.data.context";

export interface MlflowKeyValue {
  key: string;
  value: string;
}

export interface MlflowMetric {
  key: string;
  value: MetricJsonValue;
  timestamp: number;
  step: number;
}

export function keyValues(map: Record<string, string>): MlflowKeyValue[] {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

export function experimentToMlflow(experiment: Experiment) {
  return {
    experiment_id: experiment.id,
    name: experiment.name,
    artifact_location: experiment.artifactLocation,
    lifecycle_stage: experiment.lifecycleStage,
    last_update_time: experiment.lastUpdateTime,
    creation_time: experiment.creationTime,
    tags: keyValues(experiment.tags),
  };
}

/** Run info; an unset end time is left out, as protobuf JSON leaves out unset fields. */
export function runInfoToMlflow(info: RunInfo) {
  return {
    run_id: info.id,
    run_uuid: info.id,
    run_name: info.name,
    experiment_id: info.experimentId,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
    ...(info.endTime !== null ? { end_time: info.endTime } : {}),
    artifact_uri: info.artifactUri,
    lifecycle_stage: info.lifecycleStage,
  };
}

export function metricToMlflow(key: string, point: Omit<LatestMetric, "key">): MlflowMetric {
  return {
    key,
    value: encodeMetricValue(point.value),
    timestamp: point.timestamp,
    step: point.step,
  };
}

function datasetInputToMlflow(io: RunIo) {
  return {
    tags: io.context === "" ? [] : [{ key: DATASET_CONTEXT_TAG, value: io.context }],
    dataset: {
      name: io.name,
      digest: io.digest,
      // Lockstep keeps dataset inputs by name, digest and context; MLflow's source is not kept.
      source_type: "",
      source: "",
    },
  };
}

/** A whole run; `latest` carries each key's timestamp and step, which Run.metrics lacks. */
export function runToMlflow(run: Run, latest: LatestMetric[]) {
  return {
    info: runInfoToMlflow(run),
    data: {
      metrics: latest.map((m) => metricToMlflow(m.key, m)),
      params: keyValues(run.params),
      tags: keyValues(run.tags),
    },
    inputs: {
      dataset_inputs: run.inputs.filter((io) => io.kind === "dataset").map(datasetInputToMlflow),
    },
  };
}

/** Listing entries relative to `root`; MLflow gives folders no size. */
export function fileInfosToMlflow(listing: ArtifactListing[], root: string) {
  const prefix = root === "" ? "" : `${root}/`;
  return listing.map((entry) => ({
    path: entry.path.startsWith(prefix) ? entry.path.slice(prefix.length) : entry.path,
    is_dir: entry.isDir,
    ...(entry.isDir ? {} : { file_size: entry.size ?? 0 }),
  }));
}
