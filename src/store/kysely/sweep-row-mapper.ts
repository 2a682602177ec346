import type { SweepRecord, TrialRecord, TrialState } from "../sweep-store.js";
import type { SweepTable, SweepTrialTable } from "../sweep-tables.js";

export function sweepRowToRecord(row: SweepTable): SweepRecord {
  return {
    id: row.sweep_id,
    spec: row.spec,
    maxTrials: Number(row.max_trials),
    maxParallel: Number(row.max_parallel),
    leaseMs: Number(row.lease_ms),
    nextIndex: Number(row.next_index),
    createdAt: Number(row.created_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

const num = (v: number | null) => (v === null ? null : Number(v));

export function trialRowToRecord(row: SweepTrialTable): TrialRecord {
  return {
    sweepId: row.sweep_id,
    index: Number(row.trial_index),
    attempt: Number(row.attempt),
    state: row.state as TrialState,
    params: JSON.parse(row.params) as Record<string, unknown>,
    seed: Number(row.seed),
    runId: row.run_id,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: num(row.lease_expires_at),
    objective: num(row.objective),
    reason: row.reason,
    createdAt: Number(row.created_at),
    startedAt: num(row.started_at),
    endedAt: num(row.ended_at),
  };
}

export function trialRecordToRow(t: TrialRecord): SweepTrialTable {
  return {
    sweep_id: t.sweepId,
    trial_index: t.index,
    attempt: t.attempt,
    state: t.state,
    params: JSON.stringify(t.params),
    seed: t.seed,
    run_id: t.runId,
    lease_owner: t.leaseOwner,
    lease_expires_at: t.leaseExpiresAt,
    // SQL REAL cannot hold NaN or infinities reliably; the service treats null as unreported.
    objective: t.objective !== null && Number.isFinite(t.objective) ? t.objective : null,
    reason: t.reason,
    created_at: t.createdAt,
    started_at: t.startedAt,
    ended_at: t.endedAt,
  };
}

/** The columns an update of an existing attempt writes. */
export function trialUpdateColumns(t: TrialRecord) {
  const { sweep_id: _s, trial_index: _i, attempt: _a, ...rest } = trialRecordToRow(t);
  return rest;
}
