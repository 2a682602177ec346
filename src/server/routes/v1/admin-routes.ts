import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { GcService } from "../../../services/gc-service.js";
import type { VerifyService } from "../../../services/verify-service.js";
import { withErrors } from "../../schemas/common-schemas.js";
import { GcBody, GcResponse, VerifyResponse } from "../../schemas/dataset-schemas.js";

const tags = ["admin"];

export function adminRoutes(
  app: FastifyInstance,
  services: { gc: GcService; verify: VerifyService },
): void {
  app.post<{ Body: Static<typeof GcBody> }>(
    "/admin/gc",
    {
      // No body at all means the defaults, like `{}`.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        description: "Applies retention rules, then deletes blobs nothing reaches.",
        body: GcBody,
        response: withErrors({ 200: GcResponse }),
      },
    },
    async (request) => {
      const body = request.body;
      return services.gc.run({
        dryRun: body.dryRun ?? false,
        ...(body.graceSeconds !== undefined ? { graceMs: body.graceSeconds * 1000 } : {}),
      });
    },
  );

  app.post(
    "/admin/verify",
    {
      schema: {
        tags,
        description: "Re-hashes every stored blob; lists referenced blobs that are missing.",
        response: withErrors({ 200: VerifyResponse }),
      },
    },
    async () => services.verify.run(),
  );
}
