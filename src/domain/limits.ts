/**
 * Limits on what one request may carry. The MLflow values match MLflow's own
 * server (see shared/mlflow-api.md); Lockstep's own batch route takes more
 * points per request because its clients batch aggressively.
 */
export const LIMITS = {
  keyLength: 250,
  paramValueLength: 6000,
  runTagValueLength: 8000,
  experimentNameLength: 500,
  experimentTagValueLength: 5000,
  runNameLength: 250,
  /** Lockstep's own batch route. */
  batchMetrics: 10_000,
  batchParams: 1000,
  batchTags: 1000,
  batchBytes: 8 * 1024 * 1024,
  /** MLflow's log-batch route. */
  mlflowBatchMetrics: 1000,
  mlflowBatchParams: 100,
  mlflowBatchTags: 100,
  mlflowBatchEntities: 1000,
  mlflowBatchBytes: 1024 * 1024,
  searchMaxResultsDefault: 1000,
  searchMaxResults: 50_000,
  historyPageDefault: 25_000,
  historyPageMax: 25_000,
  downsampleMaxPoints: 100_000,
} as const;

/** Metric, param and tag keys: MLflow's character set. */
export const KEY_PATTERN = /^[/\w.\- :]*$/;
