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
          metrics: Array.isArray(body.metrics) ? body.metrics.length : undefined,
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
