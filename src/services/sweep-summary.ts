import type { SweepRecord, TrialRecord, TrialState } from "../store/sweep-store.js";
import type { SweepSpec } from "../sweeps/sweep-spec.js";
import type { SweepView, TrialView } from "../sweeps/sweep-views.js";

export type { SweepView, TrialView };

const STATUS: Record<TrialState, TrialView["status"]> = {
  queued: "SCHEDULED",
  running: "RUNNING",
  finished: "FINISHED",
  failed: "FAILED",
  pruned: "KILLED",
  expired: "FAILED",
};

export function trialView(t: TrialRecord): TrialView {
  return {
    index: t.index,
    attempt: t.attempt,
    runId: t.runId,
    status: STATUS[t.state],
    state: t.state,
    params: t.params,
    seed: t.seed,
    objective: t.objective,
    reason: t.reason,
    startedAt: t.startedAt,
    endedAt: t.endedAt,
  };
}

/** Whether `a` beats `b` under the goal. */
function better(goal: SweepSpec["objective"]["goal"], a: number, b: number): boolean {
  return goal === "minimize" ? a < b : a > b;
}

/** The finished trial with the best objective (the earliest on a tie), if any reported it. */
export function bestTrial(
  spec: SweepSpec,
  trials: readonly TrialRecord[],
): TrialRecord | undefined {
  let best: TrialRecord | undefined;
  for (const t of trials) {
    if (t.state !== "finished" || t.objective === null) continue;
    if (!best || better(spec.objective.goal, t.objective, best.objective as number)) best = t;
  }
  return best;
}

export function bestSoFar(spec: SweepSpec, trials: readonly TrialRecord[]): SweepView["bestSoFar"] {
  const done = trials
    .filter((t) => t.state === "finished" && t.objective !== null && t.endedAt !== null)
    .sort((a, b) => (a.endedAt as number) - (b.endedAt as number));
  const points: SweepView["bestSoFar"] = [];
  for (const t of done) {
    const last = points[points.length - 1];
    if (!last || better(spec.objective.goal, t.objective as number, last.value)) {
      points.push({ index: t.index, time: t.endedAt as number, value: t.objective as number });
    }
  }
  return points;
}

export function countByState(trials: readonly TrialRecord[]): Record<TrialState, number> {
  const counts = { queued: 0, running: 0, finished: 0, failed: 0, pruned: 0, expired: 0 };
  for (const t of trials) counts[t.state] += 1;
  return counts;
}

/** Every trial of the budget handed out and none waiting or running. */
export function isComplete(sweep: SweepRecord, trials: readonly TrialRecord[]): boolean {
  return (
    sweep.nextIndex >= sweep.maxTrials &&
    trials.every((t) => t.state !== "queued" && t.state !== "running")
  );
}

export function missingObjectiveMessage(spec: SweepSpec, trials: readonly TrialRecord[]): string {
  const finished = trials.filter((t) => t.state === "finished").length;
  return finished === 0
    ? "no trial has finished yet"
    : `no finished trial reported the objective metric ${JSON.stringify(spec.objective.metric)}`;
}
