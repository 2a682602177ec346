import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { ModelVersion } from "../../../domain/registered-model.js";
import type { MetricService } from "../../../services/metric-service.js";
import type { ModelRegistryService } from "../../../services/model-registry-service.js";
import { encodeMetricValue } from "../../metric-json.js";
import { Empty, withErrors } from "../../schemas/common-schemas.js";
import {
  AliasHistoryResponse,
  AliasMoveResponse,
  AliasParams,
  AliasUserBody,
  CreateModelBody,
  ListModelsQuery,
  ModelListResponse,
  ModelNameParams,
  ModelResponse,
  RegisterVersionBody,
  ResolveQuery,
  SetAliasBody,
  VersionFileParams,
  VersionListResponse,
  VersionParams,
  VersionResponse,
} from "../../schemas/model-schemas.js";

type NameParams = { Params: Static<typeof ModelNameParams> };
type VParams = { Params: Static<typeof VersionParams> };
type AParams = { Params: Static<typeof AliasParams> };
const tags = ["models"];

/** /api/v1/models: the registry in Lockstep's own terms (versions are numbers). */
export function modelsRoutes(
  app: FastifyInstance,
  deps: { models: ModelRegistryService; metrics: MetricService },
) {
  const { models, metrics } = deps;

  /** Each version with its run's latest metrics, read for all the runs at once. */
  async function withRunMetrics(versions: ModelVersion[]) {
    const latest = await metrics.latestOfRuns([...new Set(versions.map((v) => v.runId))]);
    return versions.map((v) => ({
      ...v,
      runMetrics: Object.fromEntries(
        (latest.get(v.runId) ?? []).map((m) => [m.key, encodeMetricValue(m.value)]),
      ),
    }));
  }

  app.get<{ Querystring: Static<typeof ListModelsQuery> }>(
    "/models",
    {
      schema: {
        tags,
        querystring: ListModelsQuery,
        response: withErrors({ 200: ModelListResponse }),
      },
    },
    async (request) => {
      const { filter, max_results, page_token } = request.query;
      const page = await models.searchModels({
        ...(filter !== undefined ? { filter } : {}),
        maxResults: max_results ?? 1000,
        ...(page_token !== undefined ? { pageToken: page_token } : {}),
      });
      return {
        models: page.items,
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      };
    },
  );

  app.post<{ Body: Static<typeof CreateModelBody> }>(
    "/models",
    { schema: { tags, body: CreateModelBody, response: withErrors({ 201: ModelResponse }) } },
    async (request, reply) =>
      reply.status(201).send({ model: await models.createModel(request.body) }),
  );

  app.get<{ Querystring: Static<typeof ResolveQuery> }>(
    "/models/resolve",
    {
      schema: {
        tags,
        description:
          "The version a models:/NAME@ALIAS or models:/NAME/VERSION reference names, with its files.",
        querystring: ResolveQuery,
        response: withErrors({ 200: VersionResponse }),
      },
    },
    async (request) => ({ version: await models.resolve(request.query.ref) }),
  );

  app.get<NameParams>(
    "/models/:name",
    { schema: { tags, params: ModelNameParams, response: withErrors({ 200: ModelResponse }) } },
    async (request) => ({ model: await models.getModel(request.params.name) }),
  );

  app.delete<NameParams>(
    "/models/:name",
    { schema: { tags, params: ModelNameParams, response: withErrors({ 200: Empty }) } },
    async (request) => {
      await models.deleteModel(request.params.name);
      return {};
    },
  );

  app.get<NameParams>(
    "/models/:name/versions",
    {
      schema: { tags, params: ModelNameParams, response: withErrors({ 200: VersionListResponse }) },
    },
    async (request) => ({
      versions: await withRunMetrics(await models.listVersions(request.params.name)),
    }),
  );

  app.post<NameParams & { Body: Static<typeof RegisterVersionBody> }>(
    "/models/:name/versions",
    {
      schema: {
        tags,
        description:
          "Registers the files at an artifact path of a run as the next version (creating the model).",
        params: ModelNameParams,
        body: RegisterVersionBody,
        response: withErrors({ 201: VersionResponse }),
      },
    },
    async (request, reply) => {
      const version = await models.registerVersion({
        ...request.body,
        name: request.params.name,
        createModel: true,
      });
      return reply.status(201).send({ version });
    },
  );

  app.get<VParams>(
    "/models/:name/versions/:version",
    { schema: { tags, params: VersionParams, response: withErrors({ 200: VersionResponse }) } },
    async (request) => ({
      version: await models.getVersion(request.params.name, Number(request.params.version)),
    }),
  );

  app.delete<VParams>(
    "/models/:name/versions/:version",
    { schema: { tags, params: VersionParams, response: withErrors({ 200: Empty }) } },
    async (request) => {
      await models.deleteVersion(request.params.name, Number(request.params.version));
      return {};
    },
  );

  app.get<{ Params: Static<typeof VersionFileParams> }>(
    "/models/:name/versions/:version/files/*",
    {
      schema: {
        tags,
        description: "A pinned file of the version, verified against its digest as it streams.",
        params: VersionFileParams,
        produces: ["application/octet-stream"],
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      const { file, stream } = await models.openFile(name, Number(version), request.params["*"]);
      return reply
        .header("content-type", "application/octet-stream")
        .header("content-length", file.size)
        .header("x-content-digest", file.digest)
        .send(stream);
    },
  );

  app.put<AParams & { Body: Static<typeof SetAliasBody> }>(
    "/models/:name/aliases/:alias",
    {
      schema: {
        tags,
        params: AliasParams,
        body: SetAliasBody,
        response: withErrors({ 200: AliasMoveResponse }),
      },
    },
    async (request) => {
      const { name, alias } = request.params;
      const { version, user } = request.body;
      const move = await models.setAlias({ name, alias, version, ...(user ? { user } : {}) });
      return { move: move ?? null };
    },
  );

  app.delete<AParams & { Body: Static<typeof AliasUserBody> }>(
    "/models/:name/aliases/:alias",
    { schema: { tags, params: AliasParams, response: withErrors({ 200: AliasMoveResponse }) } },
    async (request) => {
      const user = (request.body as { user?: unknown } | undefined)?.user;
      const move = await models.deleteAlias({
        ...request.params,
        ...(typeof user === "string" ? { user } : {}),
      });
      return { move };
    },
  );

  app.post<AParams & { Body: Static<typeof AliasUserBody> }>(
    "/models/:name/aliases/:alias/rollback",
    {
      schema: {
        tags,
        description:
          "Moves the alias back to where it pointed before its latest move not yet undone.",
        params: AliasParams,
        body: AliasUserBody,
        response: withErrors({ 200: AliasMoveResponse }),
      },
    },
    async (request) => {
      const user = request.body?.user;
      return { move: await models.rollbackAlias({ ...request.params, ...(user ? { user } : {}) }) };
    },
  );

  app.get<AParams>(
    "/models/:name/aliases/:alias/history",
    { schema: { tags, params: AliasParams, response: withErrors({ 200: AliasHistoryResponse }) } },
    async (request) => ({
      history: await models.aliasHistory(request.params.name, request.params.alias),
    }),
  );
}
