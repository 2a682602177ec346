import type { FastifyInstance } from "fastify";
import type { TrackingServices } from "../../../services/tracking-services.js";
import { fileInfosToMlflow } from "../../mlflow/mlflow-mappers.js";
import { fieldsOf, optionalString, runIdOf } from "../../mlflow/request-fields.js";

/** artifacts/list on the tracking API: paths relative to the run's artifact root. */
export function artifactsListRoutes(app: FastifyInstance, services: TrackingServices): void {
  app.get("/artifacts/list", async (request) => {
    const fields = fieldsOf(request);
    const runId = runIdOf(fields);
    const folder = (optionalString(fields, "path") ?? "").replace(/^\/+|\/+$/g, "");
    const info = await services.runs.getInfo(runId);
    const listing = await services.artifacts.list(runId, folder);
    return { root_uri: info.artifactUri, files: fileInfosToMlflow(listing, "") };
  });
}
