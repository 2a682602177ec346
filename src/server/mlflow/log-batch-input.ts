import { LIMITS } from "../../domain/limits.js";
import type { BatchInput, MetricInput } from "../../services/metric-service.js";
import { invalidParameter } from "./mlflow-errors.js";
import {
  type Fields,
  keyValueMap,
  metricValue,
  objectList,
  optionalInt,
  requiredString,
} from "./request-fields.js";

function checkCount(what: string, count: number, max: number): void {
  if (count > max) {
    throw invalidParameter(
      `A batch logging request can contain at most ${max} ${what}. Got ${count} ${what}. ` +
        "Please split up the entities across multiple requests and try again.",
    );
  }
}

/** MLflow's log-batch limits, checked before anything is parsed further. */
export function checkMlflowBatchCounts(counts: { metrics: number; params: number; tags: number }) {
  checkCount("metrics", counts.metrics, LIMITS.mlflowBatchMetrics);
  checkCount("params", counts.params, LIMITS.mlflowBatchParams);
  checkCount("tags", counts.tags, LIMITS.mlflowBatchTags);
  checkCount("entities", counts.metrics + counts.params + counts.tags, LIMITS.mlflowBatchEntities);
}

/** A log-batch body as a MetricService batch; a param key given twice is an error, as in MLflow. */
export function parseLogBatch(fields: Fields): BatchInput {
  const metricEntries = objectList(fields, "metrics");
  const paramEntries = objectList(fields, "params");
  const tagEntries = objectList(fields, "tags");
  checkMlflowBatchCounts({
    metrics: metricEntries.length,
    params: paramEntries.length,
    tags: tagEntries.length,
  });
  const params: Record<string, string> = Object.create(null);
  for (const entry of paramEntries) {
    const key = requiredString(entry, "key");
    if (Object.hasOwn(params, key)) {
      throw invalidParameter(
        `Duplicate parameter keys have been submitted: ['${key}']. Please ensure the request contains only one param value per param key.`,
      );
    }
    params[key] = requiredString(entry, "value");
  }
  const metrics: MetricInput[] = metricEntries.map((entry) => {
    const timestamp = optionalInt(entry, "timestamp");
    return {
      key: requiredString(entry, "key"),
      value: metricValue(entry),
      step: optionalInt(entry, "step") ?? 0,
      ...(timestamp !== undefined ? { timestamp } : {}),
    };
  });
  return { metrics, params, tags: keyValueMap({ tags: tagEntries }, "tags") };
}
