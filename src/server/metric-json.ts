import type { HistoryPoint, LatestMetric } from "../domain/metric.js";
import type { Run } from "../domain/run.js";
import { decodeMetricValue, type MetricValueInput } from "../services/metric-service.js";

/**
 * JSON has no NaN or ±Infinity, so metric values travel as numbers or the
 * strings "NaN", "Infinity" and "-Infinity", in requests and responses alike.
 */
export type MetricJsonValue = MetricValueInput;

export { decodeMetricValue };

export function encodeMetricValue(value: number): MetricJsonValue {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}

export type JsonRun = Omit<Run, "metrics"> & { metrics: Record<string, MetricJsonValue> };

export function encodeRun(run: Run): JsonRun {
  const metrics: Record<string, MetricJsonValue> = {};
  for (const [key, value] of Object.entries(run.metrics)) metrics[key] = encodeMetricValue(value);
  return { ...run, metrics };
}

export type JsonPoint<T extends HistoryPoint> = Omit<T, "value"> & { value: MetricJsonValue };

/** Encodes points, copying only when some value needs it (history pages hold up to 25,000). */
export function encodePoints<T extends HistoryPoint | LatestMetric>(points: T[]): JsonPoint<T>[] {
  if (points.every((p) => Number.isFinite(p.value))) return points as JsonPoint<T>[];
  return points.map((p) => ({ ...p, value: encodeMetricValue(p.value) }));
}
