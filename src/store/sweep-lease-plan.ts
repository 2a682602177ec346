import type { LeaseRequest, SweepRecord, TrialRecord } from "./sweep-store.js";

export const LEASE_EXPIRED = "lease expired";

/** A queued attempt that runs a trial again with the same params and seed. */
export function nextAttempt(t: TrialRecord, now: number): TrialRecord {
  return {
    ...t,
    attempt: t.attempt + 1,
    state: "queued",
    runId: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    objective: null,
    reason: null,
    createdAt: now,
    startedAt: null,
    endedAt: null,
  };
}

/**
 * What returning expired leases to the queue changes, worked out on a
 * snapshot of the sweep's trials taken inside the adapter's transaction:
 * each running attempt past its lease ends as `expired`, and a new queued
 * attempt with the same params and seed takes its place.
 */
export function planExpiry(
  trials: readonly TrialRecord[],
  now: number,
): { expired: TrialRecord[]; requeued: TrialRecord[] } {
  const expired: TrialRecord[] = [];
  const requeued: TrialRecord[] = [];
  for (const t of trials) {
    if (t.state !== "running" || t.leaseExpiresAt === null || t.leaseExpiresAt > now) continue;
    expired.push({ ...t, state: "expired", reason: LEASE_EXPIRED, endedAt: now });
    requeued.push(nextAttempt(t, now));
  }
  return { expired, requeued };
}

/** Applies planExpiry's changes to the snapshot. */
export function afterExpiry(
  trials: readonly TrialRecord[],
  plan: { expired: TrialRecord[]; requeued: TrialRecord[] },
): TrialRecord[] {
  const ended = new Map(plan.expired.map((t) => [`${t.index}/${t.attempt}`, t]));
  return [...trials.map((t) => ended.get(`${t.index}/${t.attempt}`) ?? t), ...plan.requeued];
}

export type LeasePlan =
  | { kind: "take"; trial: TrialRecord }
  | { kind: "new"; trial: TrialRecord }
  | { kind: "wait" }
  | { kind: "done" };

/**
 * Which attempt an agent gets: a queued one first (lowest index), else a new
 * trial while the budget lasts, as long as fewer than max_parallel run.
 */
export function planLease(
  sweep: SweepRecord,
  trials: readonly TrialRecord[],
  request: LeaseRequest,
): LeasePlan {
  const running = trials.filter((t) => t.state === "running").length;
  const queued = trials
    .filter((t) => t.state === "queued")
    .sort((a, b) => a.index - b.index || a.attempt - b.attempt);
  const lease = {
    state: "running" as const,
    leaseOwner: request.owner,
    leaseExpiresAt: request.now + request.leaseMs,
    startedAt: request.now,
  };
  const more = queued.length > 0 || sweep.nextIndex < sweep.maxTrials;
  if (!more) return running > 0 ? { kind: "wait" } : { kind: "done" };
  if (running >= sweep.maxParallel) return { kind: "wait" };
  const first = queued[0];
  if (first) return { kind: "take", trial: { ...first, ...lease } };
  const index = sweep.nextIndex;
  const finished = trials
    .filter((t) => t.state === "finished")
    .sort((a, b) => a.index - b.index || a.attempt - b.attempt);
  const { params, seed } = request.propose(index, finished);
  return {
    kind: "new",
    trial: {
      sweepId: sweep.id,
      index,
      attempt: 1,
      params,
      seed,
      runId: null,
      objective: null,
      reason: null,
      createdAt: request.now,
      endedAt: null,
      ...lease,
    },
  };
}
