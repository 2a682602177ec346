import { readFileSync } from "node:fs";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { BlobStore } from "../blobs/blob-store.js";
import { createDataServices } from "../services/data-services.js";
import { modelVersionDigests } from "../services/model-registry-service.js";
import { createRegistryServices } from "../services/registry-services.js";
import { ReproductionService } from "../services/reproduction-service.js";
import { SweepService } from "../services/sweep-service.js";
import { createTrackingServices } from "../services/tracking-services.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { installErrorHandlers } from "./error-handler.js";
import { openApiRoute, registerOpenApi } from "./openapi.js";
import { healthRoutes } from "./routes/health-routes.js";
import { mlflowRoutes } from "./routes/mlflow/mlflow-plugin.js";
import { adminRoutes } from "./routes/v1/admin-routes.js";
import { artifactsRoutes } from "./routes/v1/artifacts-routes.js";
import { batchRoutes } from "./routes/v1/batch-routes.js";
import { blobsRoutes } from "./routes/v1/blobs-routes.js";
import { datasetsRoutes } from "./routes/v1/datasets-routes.js";
import { eventsRoutes } from "./routes/v1/events-routes.js";
import { experimentsRoutes } from "./routes/v1/experiments-routes.js";
import { lineageRoutes } from "./routes/v1/lineage-routes.js";
import { metricsRoutes } from "./routes/v1/metrics-routes.js";
import { modelsRoutes } from "./routes/v1/models-routes.js";
import { reproductionsRoutes } from "./routes/v1/reproductions-routes.js";
import { runIoRoutes } from "./routes/v1/run-io-routes.js";
import { runsRoutes } from "./routes/v1/runs-routes.js";
import { sweepsRoutes } from "./routes/v1/sweeps.js";
import { typeboxValidatorCompiler } from "./typebox-validator.js";
import { uiRoutes } from "./ui-routes.js";

export interface AppOptions {
  store: MetadataStore;
  blobs: BlobStore;
  /** A pino-compatible logger, `true` for Fastify's default, or nothing for silence. */
  logger?: FastifyBaseLogger | boolean;
  /** Garbage collection spares blobs younger than this (default one hour). */
  gcGraceMs?: number;
}

/** The package version, read once; src/server and dist/server sit equally deep. */
const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

/**
 * The HTTP application over a store and a blob store, not yet listening.
 * The caller owns the stores and closes them after the app.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const { store, blobs, logger } = options;
  const app = Fastify({
    ...(typeof logger === "object" ? { loggerInstance: logger } : { logger: logger ?? false }),
    // Keys (up to 250 characters, percent-encoded) travel in the path.
    routerOptions: { maxParamLength: 2048 },
    bodyLimit: 1024 * 1024,
  }) as unknown as FastifyInstance;
  installErrorHandlers(app);
  registerOpenApi(app, VERSION);

  const services = createTrackingServices({ store, blobs });
  const data = createDataServices({
    store,
    blobs,
    runs: services.runs,
    gcGraceMs: options.gcGraceMs,
    gcRoots: [() => modelVersionDigests(store)],
  });
  const registry = createRegistryServices({
    store,
    blobs,
    runs: services.runs,
    resolveDataset: async (ref) => {
      const version = await data.datasets.resolve(ref);
      return { name: version.name, version: `v${version.number}` };
    },
  });
  // Routes go in plugins so they load after swagger, whose onRoute hook must see them.
  app.register(async (root) => {
    healthRoutes(root, store, VERSION);
    openApiRoute(root);
  });
  app.register(
    async (v1) => {
      // Scoped to /api/v1 so routes mounted elsewhere (the MLflow API) keep Fastify's defaults.
      // JSON only: a text/plain body would reach validation as a string and get a vaguer 400.
      v1.removeContentTypeParser("text/plain");
      v1.setValidatorCompiler(typeboxValidatorCompiler);
      // Response schemas document the API; JSON.stringify writes bodies as the handlers built them.
      v1.setSerializerCompiler(() => (data) => JSON.stringify(data));
      experimentsRoutes(v1, services.experiments);
      runsRoutes(v1, services.runs);
      batchRoutes(v1, services.metrics);
      metricsRoutes(v1, services.metrics);
      eventsRoutes(v1, { runs: services.runs, metrics: services.metrics });
      await v1.register(async (scope) => artifactsRoutes(scope, services.artifacts));
      datasetsRoutes(v1, data.datasets);
      runIoRoutes(v1, data.runIo);
      adminRoutes(v1, data);
      await v1.register(async (scope) => blobsRoutes(scope, data.blobs));
      modelsRoutes(v1, { models: registry.models, metrics: services.metrics });
      lineageRoutes(v1, registry.lineage);
      reproductionsRoutes(v1, new ReproductionService(services.runs));
      sweepsRoutes(v1, new SweepService(store, services.runs));
    },
    { prefix: "/api/v1" },
  );
  app.register(async (mlflow) => mlflowRoutes(mlflow, services, registry.models));
  app.register(async (ui) => uiRoutes(ui));
  return app;
}
