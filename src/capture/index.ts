export { type CaptureRunOptions, type CaptureRunResult, captureRun } from "./capture-run.js";
export type * from "./capture-types.js";
export { determinismEnv } from "./determinism-env.js";
export { captureEnvironment } from "./environment-capture.js";
export { captureGit } from "./git-capture.js";
export { captureLockfiles } from "./lockfile-capture.js";
export { captureToMlflowTags } from "./mlflow-tags.js";
export { capturePackages } from "./package-capture.js";
export { capturePythonEnvironment, pythonInterpreterFor } from "./python-environment.js";
export { filterEnvironment, isSecretName, redactArgv, sanitizeRemoteUrl } from "./secret-filter.js";
export {
  deriveSeed,
  deterministicMathRandom,
  drawRootSeed,
  MAX_SEED,
  parseSeed,
  type SeededGenerator,
  seededGenerator,
} from "./seeds.js";
