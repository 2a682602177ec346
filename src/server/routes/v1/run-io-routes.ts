import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { RunIoService } from "../../../services/run-io-service.js";
import { Empty, RunIdParams, withErrors } from "../../schemas/common-schemas.js";
import { RunIoBody } from "../../schemas/dataset-schemas.js";

export function runIoRoutes(app: FastifyInstance, runIo: RunIoService): void {
  app.post<{ Params: Static<typeof RunIdParams>; Body: Static<typeof RunIoBody> }>(
    "/runs/:id/io",
    {
      schema: {
        tags: ["runs"],
        description: "Records dataset versions (and models) a run read or wrote; each must exist.",
        params: RunIdParams,
        body: RunIoBody,
        response: withErrors({ 200: Empty }),
      },
    },
    async (request) => {
      await runIo.record(request.params.id, request.body);
      return {};
    },
  );
}
