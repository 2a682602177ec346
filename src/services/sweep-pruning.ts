import type { MetadataStore } from "../store/metadata-store.js";
import type { TrialRecord } from "../store/sweep-store.js";
import { isPromotable, reachedRungs } from "../sweeps/asha.js";
import type { SweepSpec } from "../sweeps/sweep-spec.js";

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
  const passed = await store.sweeps.rungsRecorded(trial.sweepId, trial.index, trial.attempt);
  const points = await store.metrics.history({
    runId: trial.runId,
    key: early.metric,
    offset: 0,
    limit: HISTORY_LIMIT,
  });
  for (const { rung, value } of reachedRungs(early, points, passed)) {
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
