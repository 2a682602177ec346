import { gridParams } from "./grid-sampler.js";
import { randomParams } from "./random-sampler.js";
import type { SweepSpec, TrialObservation, TrialParams } from "./sweep-spec.js";
import { TPE_DEFAULTS, tpeParams } from "./tpe-sampler.js";
import { samplerRandom } from "./trial-seeds.js";

/**
 * The params of trial `index`. Pure: grid and random depend only on the spec
 * (seed included) and the index; tpe also on the finished trials it learns
 * from, given in trial order, and is random for its first 10.
 */
export function proposeParams(
  spec: SweepSpec,
  index: number,
  history: readonly TrialObservation[],
): TrialParams {
  if (spec.method === "grid") return gridParams(spec.parameters, index);
  const next = samplerRandom(spec.seed, index);
  const finite = history.filter((h) => Number.isFinite(h.objective));
  if (spec.method === "random" || finite.length < TPE_DEFAULTS.startupTrials) {
    return randomParams(spec.parameters, next);
  }
  return tpeParams({
    parameters: spec.parameters,
    history: finite,
    goal: spec.objective.goal,
    next,
  });
}
