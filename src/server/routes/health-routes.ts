import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { MetadataStore } from "../../store/metadata-store.js";

export const HealthResponse = Type.Object({
  status: Type.Literal("ok"),
  store: Type.Union([Type.Literal("sqlite"), Type.Literal("postgres")]),
  version: Type.String(),
});

export function healthRoutes(app: FastifyInstance, store: MetadataStore, version: string): void {
  app.get(
    "/api/health",
    { schema: { tags: ["meta"], response: { 200: HealthResponse } } },
    async () => ({ status: "ok" as const, store: store.dialect, version }),
  );
}
