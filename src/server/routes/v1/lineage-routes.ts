import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { LineageService } from "../../../services/lineage-service.js";
import { withErrors } from "../../schemas/common-schemas.js";
import { LineageGraph, ResolveQuery } from "../../schemas/model-schemas.js";

/** GET /api/v1/lineage?ref=… — the graph around a run, models:/ reference or dataset version. */
export function lineageRoutes(app: FastifyInstance, lineage: LineageService): void {
  app.get<{ Querystring: Static<typeof ResolveQuery> }>(
    "/lineage",
    {
      schema: {
        tags: ["lineage"],
        description:
          "Upstream and downstream of a run id, a models:/ reference or a dataset reference: runs, model versions, dataset versions and commits.",
        querystring: ResolveQuery,
        response: withErrors({ 200: LineageGraph }),
      },
    },
    async (request) => lineage.graph(request.query.ref),
  );
}
