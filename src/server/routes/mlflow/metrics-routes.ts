import type { FastifyInstance } from "fastify";
import type { HistoryPoint } from "../../../domain/metric.js";
import type { TrackingServices } from "../../../services/tracking-services.js";
import { invalidParameter } from "../../mlflow/mlflow-errors.js";
import { metricToMlflow } from "../../mlflow/mlflow-mappers.js";
import {
  fieldsOf,
  optionalInt,
  optionalString,
  requiredString,
  runIdOf,
  stringList,
} from "../../mlflow/request-fields.js";

/** MLflow's bounds for get-history-bulk-interval. */
const BULK_MAX_RUNS = 100;
const BULK_MAX_RESULTS = 2500;

/** Keeps `max` points spread evenly over `points`, first and last included. */
function spread(points: HistoryPoint[], max: number): HistoryPoint[] {
  if (points.length <= max) return points;
  if (max === 1) return points.slice(0, 1);
  const picked: HistoryPoint[] = [];
  for (let i = 0; i < max; i++) {
    picked.push(points[Math.round((i * (points.length - 1)) / (max - 1))] as HistoryPoint);
  }
  return picked;
}

/** metrics/*: a key's history, paged, and sampled histories of several runs. */
export function metricsRoutes(app: FastifyInstance, services: TrackingServices): void {
  const { metrics } = services;

  app.get("/metrics/get-history", async (request) => {
    const fields = fieldsOf(request);
    const runId = runIdOf(fields);
    const key = requiredString(fields, "metric_key");
    const maxResults = optionalInt(fields, "max_results");
    const pageToken = optionalString(fields, "page_token");
    const page = await metrics.history(runId, key, {
      ...(maxResults !== undefined ? { maxResults } : {}),
      ...(pageToken ? { pageToken } : {}),
    });
    return {
      metrics: page.items.map((point) => metricToMlflow(key, point)),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  });

  app.get("/metrics/get-history-bulk-interval", async (request) => {
    const fields = fieldsOf(request);
    const runIds = [...new Set(stringList(fields, "run_ids"))];
    if (runIds.length === 0)
      throw invalidParameter("Missing value for required parameter 'run_ids'.");
    if (runIds.length > BULK_MAX_RUNS) {
      throw invalidParameter(
        `GetMetricHistoryBulkInterval request must specify at most ${BULK_MAX_RUNS} run_ids. Received ${runIds.length} run_ids.`,
      );
    }
    const key = requiredString(fields, "metric_key");
    const startStep = optionalInt(fields, "start_step");
    const endStep = optionalInt(fields, "end_step");
    const maxResults = optionalInt(fields, "max_results") ?? BULK_MAX_RESULTS;
    if (maxResults < 1 || maxResults > BULK_MAX_RESULTS) {
      throw invalidParameter(`max_results must be between 1 and ${BULK_MAX_RESULTS}.`);
    }
    const range = {
      ...(startStep !== undefined ? { startStep } : {}),
      ...(endStep !== undefined ? { endStep } : {}),
    };
    const perRun = await Promise.all(
      runIds.map(async (runId) => {
        const sampled = await metrics.downsample(runId, key, { maxPoints: maxResults, ...range });
        const points = sampled.downsampled
          ? spread(sampled.points, maxResults)
          : sampled.points.slice(0, maxResults);
        return points.map((point) => ({ ...metricToMlflow(key, point), run_id: runId }));
      }),
    );
    return { metrics: perRun.flat() };
  });
}
