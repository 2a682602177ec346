export type LifecycleStage = "active" | "deleted";

/** Which lifecycle stages a listing includes, as MLflow's `view_type`. */
export type ViewType = "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";

export interface Experiment {
  /** A decimal string; the Default experiment is "0". */
  id: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  tags: Record<string, string>;
  /** Milliseconds since the epoch. */
  creationTime: number;
  lastUpdateTime: number;
}

export const DEFAULT_EXPERIMENT_ID = "0";
export const DEFAULT_EXPERIMENT_NAME = "Default";
