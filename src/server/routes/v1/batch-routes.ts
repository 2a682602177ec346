import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { LIMITS } from "../../../domain/limits.js";
import { checkBatchCounts, type MetricService } from "../../../services/metric-service.js";
import { RunIdParams, withErrors } from "../../schemas/common-schemas.js";
import { BatchBody, BatchResponse } from "../../schemas/metric-schemas.js";

function countOf(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === "object") return Object.keys(value).length;
  return undefined;
}

/** Points in both forms, or undefined when neither is an array (the schema then says why). */
function pointCount(body: Record<string, unknown>): number | undefined {
  let count: number | undefined = Array.isArray(body.metrics) ? body.metrics.length : undefined;
  if (Array.isArray(body.series)) {
    for (const series of body.series as unknown[]) {
      const values = (series as { values?: unknown } | null)?.values;
      if (Array.isArray(values)) count = (count ?? 0) + values.length;
    }
  }
  return count;
}

/** The ingest hot path: metrics, params and tags of one run in one transaction. */
export function batchRoutes(app: FastifyInstance, metrics: MetricService): void {
  app.post<{ Params: Static<typeof RunIdParams>; Body: Static<typeof BatchBody> }>(
    "/runs/:id/batch",
    {
      bodyLimit: LIMITS.batchBytes,
      // Too many entries is a 413 whatever else is wrong, so counts go before the schema.
      preValidation: async (request) => {
        const body = request.body as Record<string, unknown> | null | undefined;
        if (body === null || typeof body !== "object") return;
        checkBatchCounts({
          metrics: pointCount(body),
          params: countOf(body.params),
          tags: countOf(body.tags),
        });
      },
      schema: {
        tags: ["metrics"],
        description:
          "At most 10,000 metric points, 1,000 params, 1,000 tags and 8 MiB; more is a 413. " +
          "A batch whose idempotencyKey was already stored for the run is acknowledged with duplicate: true.",
        params: RunIdParams,
        body: BatchBody,
        response: withErrors({ 200: BatchResponse }),
      },
    },
    async (request) => metrics.logBatch(request.params.id, request.body),
  );
}
