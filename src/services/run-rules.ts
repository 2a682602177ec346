import { ConflictError } from "../domain/errors.js";
import { isTerminalStatus, type RunStatus } from "../domain/run.js";

/**
 * Which status changes a run may make. Any run may go (back) to RUNNING,
 * since MLflow clients resume finished runs that way; a run that has ended
 * keeps its verdict (re-sending the same one is fine); only a scheduled run
 * is SCHEDULED.
 */
export function checkStatusChange(runId: string, from: RunStatus, to: RunStatus): void {
  if (to === from || to === "RUNNING") return;
  if (to === "SCHEDULED") {
    throw new ConflictError(`run ${runId} is ${from}; it cannot go back to SCHEDULED`);
  }
  if (isTerminalStatus(from)) {
    throw new ConflictError(`run ${runId} already ended as ${from}; it cannot become ${to}`);
  }
}

/** Tags MLflow's tools read; the server keeps them in step with the run's fields. */
export const SYSTEM_TAGS = {
  runName: "mlflow.runName",
  user: "mlflow.user",
  parentRunId: "mlflow.parentRunId",
} as const;
