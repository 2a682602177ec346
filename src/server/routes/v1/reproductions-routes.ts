import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { ReproductionService } from "../../../services/reproduction-service.js";
import { RunIdParams, withErrors } from "../../schemas/common-schemas.js";
import { ReproductionListResponse } from "../../schemas/reproduction-schemas.js";

/** GET /api/v1/runs/:id/reproductions — how often a run was reproduced, when, with which verdict. */
export function reproductionsRoutes(
  app: FastifyInstance,
  reproductions: ReproductionService,
): void {
  app.get<{ Params: Static<typeof RunIdParams> }>(
    "/runs/:id/reproductions",
    {
      schema: {
        tags: ["runs"],
        description:
          "The runs that reproduced this one (`lockstep reproduce`), newest first, with their verdicts.",
        params: RunIdParams,
        response: withErrors({ 200: ReproductionListResponse }),
      },
    },
    async (request) => {
      const list = await reproductions.list(request.params.id);
      return { count: list.length, reproductions: list };
    },
  );
}
