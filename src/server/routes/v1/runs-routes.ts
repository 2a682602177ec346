import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { LIMITS } from "../../../domain/limits.js";
import type { RunService } from "../../../services/run-service.js";
import { encodeRun } from "../../metric-json.js";
import { Empty, RunIdParams, TagValueBody, withErrors } from "../../schemas/common-schemas.js";
import {
  CaptureBody,
  CreateRunBody,
  ParamsBody,
  RunListResponse,
  RunResponse,
  RunTagParams,
  SearchRunsBody,
  UpdateRunBody,
} from "../../schemas/run-schemas.js";

type IdParams = { Params: Static<typeof RunIdParams> };
const tags = ["runs"];
const runResponse = withErrors({ 200: RunResponse });

export function runsRoutes(app: FastifyInstance, runs: RunService): void {
  app.post<{ Body: Static<typeof CreateRunBody> }>(
    "/runs",
    {
      bodyLimit: LIMITS.batchBytes,
      schema: { tags, body: CreateRunBody, response: withErrors({ 201: RunResponse }) },
    },
    async (request, reply) => {
      const run = await runs.create(request.body);
      return reply.status(201).send({ run: encodeRun(run) });
    },
  );

  app.post<{ Body: Static<typeof SearchRunsBody> }>(
    "/runs/search",
    { schema: { tags, body: SearchRunsBody, response: withErrors({ 200: RunListResponse }) } },
    async (request) => {
      const page = await runs.search(request.body);
      return {
        runs: page.items.map(encodeRun),
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      };
    },
  );

  app.get<IdParams>(
    "/runs/:id",
    { schema: { tags, params: RunIdParams, response: runResponse } },
    async (request) => ({ run: encodeRun(await runs.get(request.params.id)) }),
  );

  app.patch<IdParams & { Body: Static<typeof UpdateRunBody> }>(
    "/runs/:id",
    { schema: { tags, params: RunIdParams, body: UpdateRunBody, response: runResponse } },
    async (request) => ({ run: encodeRun(await runs.update(request.params.id, request.body)) }),
  );

  app.delete<IdParams>(
    "/runs/:id",
    { schema: { tags, params: RunIdParams, response: runResponse } },
    async (request) => ({ run: encodeRun(await runs.delete(request.params.id)) }),
  );

  app.post<IdParams>(
    "/runs/:id/restore",
    { schema: { tags, params: RunIdParams, response: runResponse } },
    async (request) => ({ run: encodeRun(await runs.restore(request.params.id)) }),
  );

  app.get<IdParams>(
    "/runs/:id/children",
    { schema: { tags, params: RunIdParams, response: withErrors({ 200: RunListResponse }) } },
    async (request) => ({ runs: (await runs.children(request.params.id)).map(encodeRun) }),
  );

  app.post<IdParams & { Body: Static<typeof ParamsBody> }>(
    "/runs/:id/params",
    {
      bodyLimit: LIMITS.batchBytes,
      schema: { tags, params: RunIdParams, body: ParamsBody, response: withErrors({ 200: Empty }) },
    },
    async (request) => {
      await runs.logParams(request.params.id, request.body.params);
      return {};
    },
  );

  app.put<{ Params: Static<typeof RunTagParams>; Body: Static<typeof TagValueBody> }>(
    "/runs/:id/tags/:key",
    {
      schema: {
        tags,
        params: RunTagParams,
        body: TagValueBody,
        response: withErrors({ 200: Empty }),
      },
    },
    async (request) => {
      await runs.setTag(request.params.id, request.params.key, request.body.value);
      return {};
    },
  );

  app.delete<{ Params: Static<typeof RunTagParams> }>(
    "/runs/:id/tags/:key",
    { schema: { tags, params: RunTagParams, response: withErrors({ 200: Empty }) } },
    async (request) => {
      await runs.deleteTag(request.params.id, request.params.key);
      return {};
    },
  );

  app.put<IdParams & { Body: Static<typeof CaptureBody> }>(
    "/runs/:id/capture",
    {
      schema: {
        tags,
        params: RunIdParams,
        body: CaptureBody,
        response: withErrors({ 200: Empty }),
      },
    },
    async (request) => {
      await runs.setCapture(request.params.id, request.body);
      return {};
    },
  );
}
