import { LIMITS } from "../domain/limits.js";
import type { RunCaptureRecord } from "./capture-types.js";

/**
 * The MLflow system tags a capture implies, so MLflow's UI and clients show
 * the source of a run. Git tags are left out when the run is not in a
 * repository or has no commit yet.
 */
export function captureToMlflowTags(capture: RunCaptureRecord): Record<string, string> {
  const { code } = capture;
  const tags: Record<string, string> = {
    "mlflow.source.name": code.entryPoint ?? code.argv.join(" "),
    "mlflow.source.type": "LOCAL",
    "mlflow.user": capture.user,
  };
  if (code.commit) tags["mlflow.source.git.commit"] = code.commit;
  if (code.branch) tags["mlflow.source.git.branch"] = code.branch;
  if (code.repoUrl) tags["mlflow.source.git.repoURL"] = code.repoUrl;
  for (const [key, value] of Object.entries(tags)) {
    tags[key] = value.slice(0, LIMITS.runTagValueLength);
  }
  return tags;
}
