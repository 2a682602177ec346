import type { FastifyInstance } from "fastify";
import type { ModelRegistryService } from "../../../services/model-registry-service.js";
import type { TrackingServices } from "../../../services/tracking-services.js";
import { installMlflowErrorHandlers } from "../../mlflow/mlflow-error-handler.js";
import { installMlflowJsonParser } from "../../mlflow/mlflow-json-parser.js";
import { MultipartUploads } from "../../mlflow/multipart-uploads.js";
import { artifactsListRoutes } from "./artifacts-list-routes.js";
import { artifactsProxyRoutes, installRawBodyParser } from "./artifacts-proxy-routes.js";
import { experimentsRoutes } from "./experiments-routes.js";
import { logBatchRoutes } from "./log-batch-routes.js";
import { metricsRoutes } from "./metrics-routes.js";
import { multipartUploadRoutes } from "./multipart-upload-routes.js";
import { registryRoutes } from "./registry-routes.js";
import { runLoggingRoutes } from "./run-logging-routes.js";
import { runsRoutes } from "./runs-routes.js";

/** MLflow's UI calls the same routes under /ajax-api. */
const TRACKING_PREFIXES = ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"];
const ARTIFACT_PREFIXES = ["/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"];

/**
 * MLflow's REST API (tracking and the artifact proxy) over Lockstep's
 * services, each prefix a sibling of /api/v1 with its own body parsing and
 * MLflow-form errors. Authorization headers (Basic, Bearer) pass untouched.
 */
export async function mlflowRoutes(
  app: FastifyInstance,
  services: TrackingServices,
  models?: ModelRegistryService,
) {
  // The OpenAPI document describes /api/v1; MLflow's API is documented by MLflow.
  app.addHook("onRoute", (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  for (const prefix of TRACKING_PREFIXES) {
    await app.register(
      async (scope) => {
        installMlflowErrorHandlers(scope);
        installMlflowJsonParser(scope);
        experimentsRoutes(scope, services);
        runsRoutes(scope, services);
        runLoggingRoutes(scope, services);
        logBatchRoutes(scope, services);
        metricsRoutes(scope, services);
        artifactsListRoutes(scope, services);
        if (models) registryRoutes(scope, services, models);
      },
      { prefix },
    );
  }
  const uploads = new MultipartUploads();
  for (const prefix of ARTIFACT_PREFIXES) {
    await app.register(
      async (scope) => {
        installMlflowErrorHandlers(scope);
        installRawBodyParser(scope);
        artifactsProxyRoutes(scope, services);
        multipartUploadRoutes(scope, { services, uploads });
      },
      { prefix },
    );
  }
}
