import { BadRequestError } from "../domain/errors.js";
import { isValidSeed, MAX_SEED } from "./root-seed.js";

/**
 * Variables exported to a run's command so that common frameworks behave
 * deterministically. Each is recorded in the run's seed capture; see
 * docs/seeds.md for what each one does. Thread counts (OMP_NUM_THREADS and the
 * like) are recorded when set but never forced: forcing them would slow runs.
 */
export function determinismEnv(seed: number): Record<string, string> {
  if (!isValidSeed(seed)) {
    throw new BadRequestError(`Invalid seed ${seed}: expected an integer from 0 to ${MAX_SEED}`);
  }
  return {
    // The seed itself, for scripts and the SDK to read.
    LOCKSTEP_SEED: String(seed),
    // Fixes Python's str/bytes hash randomisation (set iteration order, dict of sets...).
    PYTHONHASHSEED: String(seed),
    // cuBLAS picks deterministic reduction kernels only with a fixed workspace (CUDA >= 10.2).
    CUBLAS_WORKSPACE_CONFIG: ":4096:8",
    // TensorFlow: deterministic op implementations, or an error where none exists.
    TF_DETERMINISTIC_OPS: "1",
    // TensorFlow (older versions): deterministic cuDNN convolution and pooling algorithms.
    TF_CUDNN_DETERMINISTIC: "1",
  };
}
