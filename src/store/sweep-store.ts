/** Where a trial attempt is: waiting, held by an agent, or ended (and how). */
export const TRIAL_STATES = [
  "queued",
  "running",
  "finished",
  "failed",
  "pruned",
  "expired",
] as const;
export type TrialState = (typeof TRIAL_STATES)[number];

export interface SweepRecord {
  /** Also the id of the sweep's parent run. */
  id: string;
  /** The validated spec, as JSON text; the store does not read it. */
  spec: string;
  maxTrials: number;
  maxParallel: number;
  leaseMs: number;
  /** How many trial indices have been handed out. */
  nextIndex: number;
  createdAt: number;
  finishedAt: number | null;
}

/** One attempt at one trial; an expired lease ends an attempt and queues the next. */
export interface TrialRecord {
  sweepId: string;
  index: number;
  attempt: number;
  state: TrialState;
  params: Record<string, unknown>;
  seed: number;
  runId: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  /** The objective metric's value when the attempt ended; null when it was not reported. */
  objective: number | null;
  reason: string | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

export interface NewSweep {
  id: string;
  spec: string;
  maxTrials: number;
  maxParallel: number;
  leaseMs: number;
  now: number;
}

export interface LeaseRequest {
  sweepId: string;
  owner: string;
  now: number;
  leaseMs: number;
  /**
   * The params and seed of a new trial, given the finished trials in index
   * order. Called inside the store's transaction, so it must be quick and pure.
   */
  propose(
    index: number,
    finished: TrialRecord[],
  ): { params: Record<string, unknown>; seed: number };
}

export type LeaseOutcome =
  | { kind: "leased"; trial: TrialRecord }
  /** Nothing to lease now: the parallel limit is reached, or leased trials may yet come back. */
  | { kind: "wait" }
  /** Every trial of the budget has ended. */
  | { kind: "done" };

/** Which attempt, held by whom. */
export interface TrialKey {
  sweepId: string;
  index: number;
  attempt: number;
  owner: string;
}

export interface TrialEnd extends TrialKey {
  now: number;
  state: "finished" | "failed" | "pruned";
  objective: number | null;
  reason: string | null;
  /** Recorded when no renewal recorded the attempt's run. */
  runId?: string;
  /** Queue a new attempt with the same params and seed (the agent was stopped, not the trial). */
  requeue?: boolean;
}

/**
 * The sweeps port. Every write first returns expired leases to the queue
 * (the attempt becomes `expired`, a new `queued` attempt with the same params
 * and seed is added) and reports them in `expired`, so the service can end
 * their runs. Writes of one sweep are serialised: two agents never hold the
 * same trial.
 */
export interface SweepStore {
  /** Throws NotFoundError when the sweep's run does not exist. */
  create(input: NewSweep): Promise<SweepRecord>;
  get(id: string): Promise<SweepRecord | undefined>;
  /** Every attempt, by index then attempt. */
  trials(sweepId: string): Promise<TrialRecord[]>;
  lease(request: LeaseRequest): Promise<{ expired: TrialRecord[]; outcome: LeaseOutcome }>;
  /** Extends the lease (and records the attempt's run); `trial` is undefined when the lease was lost. */
  renew(
    key: TrialKey & { now: number; leaseMs: number; runId?: string },
  ): Promise<{ expired: TrialRecord[]; trial: TrialRecord | undefined }>;
  /** Ends a held attempt; `trial` is undefined when the lease was lost. */
  end(input: TrialEnd): Promise<{ expired: TrialRecord[]; trial: TrialRecord | undefined }>;
  expire(sweepId: string, now: number): Promise<TrialRecord[]>;
  markFinished(sweepId: string, now: number): Promise<void>;
  /** Records an attempt's value at an early-stopping rung (once) and returns every value there. */
  recordRung(input: {
    sweepId: string;
    index: number;
    attempt: number;
    rung: number;
    value: number;
  }): Promise<number[]>;
  /** How many rungs an attempt has passed (rungs 0..n-1 are recorded). */
  rungsRecorded(sweepId: string, index: number, attempt: number): Promise<number>;
}
