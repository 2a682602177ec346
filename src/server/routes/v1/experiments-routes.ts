import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { ExperimentService } from "../../../services/experiment-service.js";
import { Empty, TagValueBody, withErrors } from "../../schemas/common-schemas.js";
import {
  CreateExperimentBody,
  ExperimentIdParams,
  ExperimentListResponse,
  ExperimentNameParams,
  ExperimentResponse,
  ExperimentTagParams,
  ListExperimentsQuery,
  RenameExperimentBody,
} from "../../schemas/experiment-schemas.js";

type IdParams = { Params: Static<typeof ExperimentIdParams> };
const tags = ["experiments"];

export function experimentsRoutes(app: FastifyInstance, experiments: ExperimentService): void {
  app.post<{ Body: Static<typeof CreateExperimentBody> }>(
    "/experiments",
    {
      schema: {
        tags,
        body: CreateExperimentBody,
        response: withErrors({ 201: ExperimentResponse }),
      },
    },
    async (request, reply) => {
      const experiment = await experiments.create(request.body);
      return reply.status(201).send({ experiment });
    },
  );

  app.get<{ Querystring: Static<typeof ListExperimentsQuery> }>(
    "/experiments",
    {
      schema: {
        tags,
        querystring: ListExperimentsQuery,
        response: withErrors({ 200: ExperimentListResponse }),
      },
    },
    async (request) => {
      const q = request.query;
      const page = await experiments.search({
        filter: q.filter,
        orderBy: q.order_by,
        viewType: q.view_type,
        maxResults: q.max_results,
        pageToken: q.page_token,
      });
      return {
        experiments: page.items,
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      };
    },
  );

  app.get<IdParams>(
    "/experiments/:id",
    {
      schema: {
        tags,
        params: ExperimentIdParams,
        response: withErrors({ 200: ExperimentResponse }),
      },
    },
    async (request) => ({ experiment: await experiments.get(request.params.id) }),
  );

  app.get<{ Params: Static<typeof ExperimentNameParams> }>(
    "/experiments/by-name/:name",
    {
      schema: {
        tags,
        params: ExperimentNameParams,
        response: withErrors({ 200: ExperimentResponse }),
      },
    },
    async (request) => ({ experiment: await experiments.getByName(request.params.name) }),
  );

  app.patch<IdParams & { Body: Static<typeof RenameExperimentBody> }>(
    "/experiments/:id",
    {
      schema: {
        tags,
        params: ExperimentIdParams,
        body: RenameExperimentBody,
        response: withErrors({ 200: ExperimentResponse }),
      },
    },
    async (request) => ({
      experiment: await experiments.rename(request.params.id, request.body.name),
    }),
  );

  app.delete<IdParams>(
    "/experiments/:id",
    {
      schema: {
        tags,
        params: ExperimentIdParams,
        response: withErrors({ 200: ExperimentResponse }),
      },
    },
    async (request) => ({ experiment: await experiments.delete(request.params.id) }),
  );

  app.post<IdParams>(
    "/experiments/:id/restore",
    {
      schema: {
        tags,
        params: ExperimentIdParams,
        response: withErrors({ 200: ExperimentResponse }),
      },
    },
    async (request) => ({ experiment: await experiments.restore(request.params.id) }),
  );

  app.put<{ Params: Static<typeof ExperimentTagParams>; Body: Static<typeof TagValueBody> }>(
    "/experiments/:id/tags/:key",
    {
      schema: {
        tags,
        params: ExperimentTagParams,
        body: TagValueBody,
        response: withErrors({ 200: Empty }),
      },
    },
    async (request) => {
      await experiments.setTag(request.params.id, request.params.key, request.body.value);
      return {};
    },
  );

  app.delete<{ Params: Static<typeof ExperimentTagParams> }>(
    "/experiments/:id/tags/:key",
    { schema: { tags, params: ExperimentTagParams, response: withErrors({ 200: Empty }) } },
    async (request) => {
      await experiments.deleteTag(request.params.id, request.params.key);
      return {};
    },
  );
}
