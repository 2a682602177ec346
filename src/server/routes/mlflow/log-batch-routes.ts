import type { FastifyInstance } from "fastify";
import { LIMITS } from "../../../domain/limits.js";
import { SYSTEM_TAGS } from "../../../services/run-rules.js";
import type { TrackingServices } from "../../../services/tracking-services.js";
import { parseLogBatch } from "../../mlflow/log-batch-input.js";
import { invalidParameter } from "../../mlflow/mlflow-errors.js";
import { fieldsOf, runIdOf } from "../../mlflow/request-fields.js";

/** runs/log-batch: up to 1000 metrics, 100 params and 100 tags of one run in one transaction. */
export function logBatchRoutes(app: FastifyInstance, services: TrackingServices): void {
  app.post("/runs/log-batch", async (request) => {
    const fields = fieldsOf(request);
    const runId = runIdOf(fields);
    const batch = parseLogBatch(fields);
    // As in MLflow's stores, the run-name tag renames the run, whichever route sets it.
    const name = batch.tags?.[SYSTEM_TAGS.runName];
    if (name !== undefined && name.length > LIMITS.runNameLength) {
      throw invalidParameter(`run name must be at most ${LIMITS.runNameLength} characters`);
    }
    await services.metrics.logBatch(runId, batch);
    if (name !== undefined) await services.runs.update(runId, { name });
    return {};
  });
}
