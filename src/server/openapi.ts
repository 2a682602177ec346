import swagger from "@fastify/swagger";
import type { FastifyInstance } from "fastify";

/**
 * Collects every route's schema into an OpenAPI 3 document. Registered before
 * the routes so its onRoute hook sees them all.
 */
export function registerOpenApi(app: FastifyInstance, version: string): void {
  app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Lockstep API",
        description: "Experiment tracking with reproducible runs: the /api/v1 HTTP API.",
        version,
      },
      tags: [
        { name: "experiments" },
        { name: "runs" },
        { name: "metrics" },
        { name: "artifacts" },
        { name: "meta" },
      ],
    },
  });
}

/** Serves the document; the route itself stays out of it. */
export function openApiRoute(app: FastifyInstance): void {
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
