import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { MetricService } from "../../../services/metric-service.js";
import { encodePoints } from "../../metric-json.js";
import { RunIdParams, withErrors } from "../../schemas/common-schemas.js";
import {
  HistoryParams,
  HistoryQuery,
  HistoryResponse,
  LatestMetricsResponse,
} from "../../schemas/metric-schemas.js";

const tags = ["metrics"];

export function metricsRoutes(app: FastifyInstance, metrics: MetricService): void {
  app.get<{ Params: Static<typeof RunIdParams> }>(
    "/runs/:id/metrics",
    { schema: { tags, params: RunIdParams, response: withErrors({ 200: LatestMetricsResponse }) } },
    async (request) => ({ metrics: encodePoints(await metrics.latest(request.params.id)) }),
  );

  app.get<{ Params: Static<typeof HistoryParams>; Querystring: Static<typeof HistoryQuery> }>(
    "/runs/:id/metrics/:key/history",
    {
      schema: {
        tags,
        description:
          "Pages of a key's points by step; with max_points, one downsampled view that keeps " +
          "each bucket's first, minimum, maximum and last point.",
        params: HistoryParams,
        querystring: HistoryQuery,
        response: withErrors({ 200: HistoryResponse }),
      },
    },
    async (request) => {
      const { id, key } = request.params;
      const q = request.query;
      if (q.max_points !== undefined) {
        const result = await metrics.downsample(id, key, {
          maxPoints: q.max_points,
          startStep: q.start_step,
          endStep: q.end_step,
        });
        return { ...result, points: encodePoints(result.points) };
      }
      const page = await metrics.history(id, key, {
        startStep: q.start_step,
        endStep: q.end_step,
        maxResults: q.max_results,
        pageToken: q.page_token,
      });
      return {
        points: encodePoints(page.items),
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      };
    },
  );
}
