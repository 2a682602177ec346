/** Row types of the sweep tables (migration 005), merged into Database. */
export interface SweepTables {
  sweeps: SweepTable;
  sweep_trials: SweepTrialTable;
  sweep_rungs: SweepRungTable;
}

export interface SweepTable {
  sweep_id: string;
  spec: string;
  max_trials: number;
  max_parallel: number;
  lease_ms: number;
  next_index: number;
  created_at: number;
  finished_at: number | null;
}

export interface SweepTrialTable {
  sweep_id: string;
  trial_index: number;
  attempt: number;
  state: string;
  /** JSON text of the params, typed as the sampler chose them. */
  params: string;
  seed: number;
  run_id: string | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  objective: number | null;
  reason: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

/** NULL value: the metric was NaN there. */
export interface SweepRungTable {
  sweep_id: string;
  rung: number;
  trial_index: number;
  attempt: number;
  value: number | null;
}
