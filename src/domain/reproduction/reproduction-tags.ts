import type { RunStatus } from "../run.js";
import type { Verdict } from "./reproduction-types.js";

/** On a reproduction run: the id of the run it repeats. */
export const REPRODUCTION_OF_TAG = "lockstep.reproduction.of";
/** On a reproduction run: how the comparison came out. */
export const REPRODUCTION_VERDICT_TAG = "lockstep.reproduction.verdict";
/** On a reproduction that could not run: what was missing, one item a line. */
export const REPRODUCTION_MISSING_TAG = "lockstep.reproduction.missing";
/** On a reproduction run made by `reproduce --seeds N`: N. */
export const REPRODUCTION_SEEDS_TAG = "lockstep.reproduction.seeds";

/** One reproduction of a run, as the run's page and `runs show` list it. */
export interface ReproductionRecord {
  runId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  /** Null while it runs, or when the comparison never finished. */
  verdict: Verdict | null;
  /** Set for the runs of a `--seeds N` spread, which have no verdict of their own. */
  seeds: number | null;
}
