import type { MetadataStore } from "../store/metadata-store.js";
import type { TrialRecord } from "../store/sweep-store.js";
import { isPromotable, reachedRungs, rungResource } from "../sweeps/asha.js";
import type { EarlyStoppingSpec, SweepSpec } from "../sweeps/sweep-spec.js";

/** The most points of the intermediate metric read to find rungs. */
const HISTORY_LIMIT = 100_000;

/**
 * Asynchronous successive halving, checked whenever an agent renews its
 * lease: every rung the trial's run has newly reached is recorded with its
 * value, and the trial is to stop at the first one where it is not in the
 * top 1/η. Returns that rung's resource, or undefined to go on.
 */
export async function rungToPruneAt(
  store: MetadataStore,
  spec: SweepSpec,
  trial: TrialRecord,
): Promise<number | undefined> {
  const early = spec.earlyStopping;
  if (!early || trial.runId === null) return undefined;
  for (const { rung, value } of await newRungs(store, early, trial, trial.runId)) {
    const competing = await store.sweeps.recordRung({
      sweepId: trial.sweepId,
      index: trial.index,
      attempt: trial.attempt,
      rung,
      value,
    });
    const goOn = isPromotable({
      value,
      competing,
      reductionFactor: early.reductionFactor,
      goal: spec.objective.goal,
    });
    if (!goOn) return early.minResource * early.reductionFactor ** rung;
  }
  return undefined;
}

/**
 * Records every rung a finished trial reached that no renewal recorded (it
 * may finish between two): later trials are ranked against it there too.
 */
export async function recordRungsReached(
  store: MetadataStore,
  spec: SweepSpec,
  trial: TrialRecord,
): Promise<void> {
  const early = spec.earlyStopping;
  if (!early || trial.runId === null) return;
  for (const { rung, value } of await newRungs(store, early, trial, trial.runId)) {
    await store.sweeps.recordRung({
      sweepId: trial.sweepId,
      index: trial.index,
      attempt: trial.attempt,
      rung,
      value,
    });
  }
}

/** The rungs the trial's run has reached since the last one recorded, with its values there. */
async function newRungs(
  store: MetadataStore,
  early: EarlyStoppingSpec,
  trial: TrialRecord,
  runId: string,
): Promise<{ rung: number; value: number }[]> {
  const passed = await store.sweeps.rungsRecorded(trial.sweepId, trial.index, trial.attempt);
  // Only points from the next rung's step on can place it on a new rung: a
  // renewal every 250 ms must not re-read the whole history.
  const points = await store.metrics.history({
    runId,
    key: early.metric,
    startStep: rungResource(early, passed),
    offset: 0,
    limit: HISTORY_LIMIT,
  });
  return reachedRungs(early, points, passed);
}
