export {
  deriveSeed,
  drawRootSeed,
  MAX_SEED,
  type SeededGenerator,
  seededGenerator,
} from "./capture/seeds.js";
export type { Experiment, LifecycleStage, ViewType } from "./domain/experiment.js";
export type { HistoryPoint, LatestMetric, MetricPoint } from "./domain/metric.js";
export type { ModelVersion, ModelVersionFile } from "./domain/registered-model.js";
export type { Run, RunCapture, RunInfo, RunIo, RunKind, RunStatus } from "./domain/run.js";
export {
  type CreateRunRequest,
  LockstepApi,
  type Page,
  type SearchRunsRequest,
  type StoredArtifact,
} from "./sdk/api-client.js";
export { Lockstep } from "./sdk/lockstep.js";
export { LockstepApiError } from "./sdk/lockstep-api-error.js";
export type { FlushResult } from "./sdk/outbox.js";
export { RunHandle } from "./sdk/run-handle.js";
export type { LoggedModel, LogModelOptions } from "./sdk/run-log-model.js";
export type {
  ChildRunOptions,
  EndStatus,
  FlushOptions,
  LockstepOptions,
  ParamValue,
  StartRunOptions,
} from "./sdk/sdk-options.js";
export { DEFAULT_TRACKING_URI, resolveTrackingUri } from "./sdk/tracking-uri.js";
