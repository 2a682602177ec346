import type { EarlyStoppingSpec, ObjectiveGoal } from "./sweep-spec.js";

/** A trial's intermediate metric at one step. */
export interface ResourcePoint {
  step: number;
  value: number;
}

/** Rung k sits at resource min_resource · η^k. */
export function rungResource(spec: EarlyStoppingSpec, rung: number): number {
  return spec.minResource * spec.reductionFactor ** rung;
}

/**
 * The rungs from `fromRung` on that a trial has reached, each with its value
 * there: the first point logged at a step at or past the rung's resource.
 */
export function reachedRungs(
  spec: EarlyStoppingSpec,
  points: readonly ResourcePoint[],
  fromRung: number,
): { rung: number; value: number }[] {
  const sorted = [...points].sort((a, b) => a.step - b.step);
  const reached: { rung: number; value: number }[] = [];
  for (let rung = fromRung; ; rung++) {
    const resource = rungResource(spec, rung);
    const point = sorted.find((p) => p.step >= resource);
    if (!point) return reached;
    reached.push({ rung, value: point.value });
  }
}

/**
 * Asynchronous successive halving's rule, as Optuna's SuccessiveHalvingPruner
 * applies it: at a rung, a trial goes on when its value is among the best
 * ⌊n/η⌋ of the n values recorded there (its own included) — or the best one
 * while fewer than η trials have reached it. NaN never goes on.
 */
export function isPromotable(input: {
  value: number;
  competing: readonly number[];
  reductionFactor: number;
  goal: ObjectiveGoal;
}): boolean {
  const { value, reductionFactor, goal } = input;
  if (Number.isNaN(value)) return false;
  const sorted = input.competing.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return true;
  const keep = Math.max(Math.floor(sorted.length / reductionFactor), 1);
  return goal === "minimize"
    ? value <= (sorted[keep - 1] as number)
    : value >= (sorted[sorted.length - keep] as number);
}
