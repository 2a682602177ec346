import type { FastifyInstance } from "fastify";
import type { RunIo } from "../../../domain/run.js";
import type { TrackingServices } from "../../../services/tracking-services.js";
import { invalidParameter } from "../../mlflow/mlflow-errors.js";
import { DATASET_CONTEXT_TAG } from "../../mlflow/mlflow-mappers.js";
import {
  fieldsOf,
  keyValueMap,
  metricValue,
  objectList,
  optionalInt,
  requiredInt,
  requiredNonEmpty,
  requiredString,
  runIdOf,
} from "../../mlflow/request-fields.js";

const LOG_MODEL_HISTORY_TAG = "mlflow.log-model.history";
/** MLflow's bounds on dataset inputs (they also keep index keys in PostgreSQL's limits). */
const DATASET_LIMITS = { name: 500, digest: 36, context: 500 } as const;

function checkDatasetField(field: keyof typeof DATASET_LIMITS, value: string): string {
  if (value.length > DATASET_LIMITS[field]) {
    throw invalidParameter(`dataset ${field} must be at most ${DATASET_LIMITS[field]} characters`);
  }
  return value;
}

function parseModelJson(text: string): Record<string, unknown> {
  let model: unknown;
  try {
    model = JSON.parse(text);
  } catch {
    throw invalidParameter("Malformed model info: model_json is not valid JSON.");
  }
  if (model === null || typeof model !== "object" || Array.isArray(model)) {
    throw invalidParameter("Malformed model info: model_json must be a JSON object.");
  }
  return model as Record<string, unknown>;
}

function previousModels(tagValue: string | undefined): unknown[] {
  if (tagValue === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(tagValue);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/** Single params and metrics, dataset inputs and logged-model records. */
export function runLoggingRoutes(app: FastifyInstance, services: TrackingServices): void {
  const { runs, metrics } = services;

  app.post("/runs/log-parameter", async (request) => {
    const fields = fieldsOf(request);
    const runId = runIdOf(fields);
    const key = requiredString(fields, "key");
    await runs.logParams(runId, { [key]: requiredString(fields, "value") });
    return {};
  });

  app.post("/runs/log-metric", async (request) => {
    const fields = fieldsOf(request);
    const runId = runIdOf(fields);
    const metric = {
      key: requiredString(fields, "key"),
      value: metricValue(fields),
      timestamp: requiredInt(fields, "timestamp"),
      step: optionalInt(fields, "step") ?? 0,
    };
    await metrics.logBatch(runId, { metrics: [metric] });
    return {};
  });

  app.post("/runs/log-inputs", async (request) => {
    const fields = fieldsOf(request);
    const runId = runIdOf(fields);
    const inputs: RunIo[] = objectList(fields, "datasets").map((input) => {
      const [dataset] = objectList({ dataset: [input.dataset] }, "dataset");
      if (!dataset) throw invalidParameter("Missing value for required parameter 'dataset'.");
      const name = checkDatasetField("name", requiredNonEmpty(dataset, "name"));
      const digest = checkDatasetField("digest", requiredNonEmpty(dataset, "digest"));
      const context = checkDatasetField(
        "context",
        keyValueMap(input, "tags")[DATASET_CONTEXT_TAG] ?? "",
      );
      return { kind: "dataset", name, version: digest, digest, context };
    });
    await runs.addInputs(runId, inputs);
    return {};
  });

  app.post("/runs/log-model", async (request) => {
    const fields = fieldsOf(request);
    const runId = runIdOf(fields);
    const model = parseModelJson(requiredString(fields, "model_json"));
    const run = await runs.get(runId);
    const history = [...previousModels(run.tags[LOG_MODEL_HISTORY_TAG]), model];
    await runs.setTag(runId, LOG_MODEL_HISTORY_TAG, JSON.stringify(history));
    return {};
  });
}
