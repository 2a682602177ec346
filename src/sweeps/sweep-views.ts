import type { Run } from "../domain/run.js";
import type { EarlyStoppingSpec, SweepSpec } from "./sweep-spec.js";

/** The states of a trial attempt (the store keeps the same names). */
export type TrialStateName = "queued" | "running" | "finished" | "failed" | "pruned" | "expired";

/** A trial attempt as `sweep show` lists it; `status` speaks in run statuses. */
export interface TrialView {
  index: number;
  attempt: number;
  runId: string | null;
  status: "SCHEDULED" | "RUNNING" | "FINISHED" | "FAILED" | "KILLED";
  state: TrialStateName;
  params: Record<string, unknown>;
  seed: number;
  objective: number | null;
  reason: string | null;
  startedAt: number | null;
  endedAt: number | null;
}

/** `GET /api/v1/sweeps/:id` and `lockstep sweep show --json`. */
export interface SweepView {
  id: string;
  name: string;
  experimentId: string;
  state: "running" | "finished";
  method: SweepSpec["method"];
  objective: SweepSpec["objective"];
  budget: SweepSpec["budget"];
  spec: SweepSpec;
  counts: Record<TrialStateName, number>;
  /** The best trial's run; null when no finished trial reported the objective. */
  best: Run | null;
  bestTrial: TrialView | null;
  /** Why there is no best, when there is none. */
  message?: string;
  /** Each finished trial that improved on all before it, in order of ending. */
  bestSoFar: { index: number; time: number; value: number }[];
  trials: TrialView[];
}

/** What an agent needs to run a leased trial. */
export interface LeasedTrial {
  sweepId: string;
  experiment: string;
  command: string[];
  index: number;
  attempt: number;
  /** As the sampler chose them (numbers stay numbers). */
  params: Record<string, unknown>;
  seed: number;
  leaseMs: number;
  leaseExpiresAt: number;
  /** The sweep's early stopping, if any: the agent then checks rungs often and sends its metric promptly. */
  earlyStopping: EarlyStoppingSpec | null;
}

export type LeaseAnswer =
  | { status: "leased"; trial: LeasedTrial }
  | { status: "wait"; retryAfterMs: number }
  | { status: "done" };
