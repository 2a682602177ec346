import { objectAt, stringRecordAt, valueAt } from "./capture-fields.js";
import type { MetricComparison } from "./reproduction-types.js";

/** Variables that make common frameworks deterministic (see src/capture/determinism-env.ts). */
const DETERMINISM_SETTINGS = ["PYTHONHASHSEED", "CUBLAS_WORKSPACE_CONFIG", "TF_DETERMINISTIC_OPS"];
/** Variables that fix how many threads math libraries use. */
const THREAD_SETTINGS = ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"];

export interface NondeterminismExplanation {
  summary: string;
  /** Causes visible in the record, most likely first. */
  causes: string[];
}

/**
 * For a result that differs although every factor is the same: says that the
 * program itself is nondeterministic and names the usual causes that the
 * recorded run shows signs of.
 */
export function explainNondeterminism(
  capture: Record<string, unknown> | undefined,
  metrics: MetricComparison[],
): NondeterminismExplanation {
  const causes: string[] = [];
  const derived = objectAt(capture, "seed", "derived") ?? {};
  const splitAtStart = metrics.some((m) => m.firstDivergence?.index === 0);
  if (Object.keys(derived).length === 0) {
    causes.push(
      "unseeded randomness: the program asked Lockstep for no derived seed, so any random " +
        "generator it uses must be seeded from LOCKSTEP_SEED by hand, or it is not seeded at all" +
        (splitAtStart
          ? " (the results differ from the first logged step on, as such a program's do)"
          : ""),
    );
  } else if (splitAtStart) {
    causes.push(
      "unseeded randomness: the results differ from the first logged step on; some generator " +
        "is not seeded from the run's derived seeds",
    );
  }
  const exported = {
    ...stringRecordAt(capture, "environment", "variables"),
    ...stringRecordAt(capture, "seed", "determinismEnv"),
  };
  const unset = DETERMINISM_SETTINGS.filter((name) => exported[name] === undefined);
  if (unset.length > 0) {
    causes.push(`missing determinism settings: ${unset.join(", ")} were not set`);
  }
  const cpus = Number(valueAt(capture, "environment", "cpu", "count") ?? 0);
  const threads = THREAD_SETTINGS.filter((name) => exported[name] === undefined);
  if (threads.length === THREAD_SETTINGS.length && cpus !== 1) {
    causes.push(
      `thread counts: ${THREAD_SETTINGS.join(", ")} were not set${cpus > 1 ? ` on ${cpus} CPUs` : ""}; ` +
        "parallel math libraries may add floating-point numbers in a different order on each run",
    );
  }
  const gpus = valueAt(capture, "environment", "gpus");
  if (Array.isArray(gpus) && gpus.length > 0) {
    causes.push(
      "GPU kernels: cuDNN autotuning and atomic additions are nondeterministic unless the " +
        "framework is told otherwise (e.g. torch.use_deterministic_algorithms(True))",
    );
  }
  return {
    summary:
      "Every factor is the same, yet the results differ: the program itself is nondeterministic.",
    causes,
  };
}
