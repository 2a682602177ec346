import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { SweepService } from "../../../services/sweep-service.js";
import { withErrors } from "../../schemas/common-schemas.js";

const SweepParams = Type.Object({ id: Type.String() });
const TrialParams = Type.Object({
  id: Type.String(),
  index: Type.String({ pattern: "^(0|[1-9][0-9]{0,15})$" }),
});
const CreateSweepBody = Type.Object({
  spec: Type.Unknown({ description: "The sweep spec, as parsed from its YAML or JSON file" }),
});
const Owner = Type.String({ minLength: 1, maxLength: 250 });
const LeaseMs = Type.Integer({ description: "Lease length; default is the spec's lease_ms" });
const LeaseBody = Type.Object({ owner: Owner, leaseMs: Type.Optional(LeaseMs) });
const RenewBody = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  owner: Owner,
  runId: Type.Optional(Type.String()),
  leaseMs: Type.Optional(LeaseMs),
});
const ResultBody = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  owner: Owner,
  status: Type.Union([Type.Literal("FINISHED"), Type.Literal("FAILED"), Type.Literal("KILLED")]),
  pruned: Type.Optional(Type.Boolean()),
  reason: Type.Optional(Type.String({ maxLength: 1000 })),
  runId: Type.Optional(Type.String()),
});
const AnyObject = Type.Object({}, { additionalProperties: true });

type SweepReq = { Params: Static<typeof SweepParams> };
type TrialReq<B> = { Params: Static<typeof TrialParams>; Body: B };
const tags = ["sweeps"];

/** /api/v1/sweeps: create and show sweeps; agents lease, renew and report trials. */
export function sweepsRoutes(app: FastifyInstance, sweeps: SweepService) {
  app.post<{ Body: Static<typeof CreateSweepBody> }>(
    "/sweeps",
    { schema: { tags, body: CreateSweepBody, response: withErrors({ 201: AnyObject }) } },
    async (request, reply) =>
      reply.status(201).send({ sweep: await sweeps.create(request.body.spec) }),
  );

  app.get<SweepReq>(
    "/sweeps/:id",
    { schema: { tags, params: SweepParams, response: withErrors({ 200: AnyObject }) } },
    async (request) => ({ sweep: await sweeps.show(request.params.id) }),
  );

  app.post<SweepReq & { Body: Static<typeof LeaseBody> }>(
    "/sweeps/:id/lease",
    {
      schema: {
        tags,
        params: SweepParams,
        body: LeaseBody,
        response: withErrors({ 200: AnyObject }),
      },
    },
    async (request) => sweeps.lease(request.params.id, request.body),
  );

  app.post<TrialReq<Static<typeof RenewBody>>>(
    "/sweeps/:id/trials/:index/renew",
    {
      schema: {
        tags,
        params: TrialParams,
        body: RenewBody,
        response: withErrors({ 200: AnyObject }),
      },
    },
    async (request) =>
      sweeps.renew({
        ...request.body,
        sweepId: request.params.id,
        index: Number(request.params.index),
      }),
  );

  app.post<TrialReq<Static<typeof ResultBody>>>(
    "/sweeps/:id/trials/:index/result",
    {
      schema: {
        tags,
        params: TrialParams,
        body: ResultBody,
        response: withErrors({ 200: AnyObject }),
      },
    },
    async (request) =>
      sweeps.report({
        ...request.body,
        sweepId: request.params.id,
        index: Number(request.params.index),
      }),
  );
}
