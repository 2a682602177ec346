import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { DatasetService } from "../../../services/dataset-service.js";
import { datasetSummaryJson, datasetVersionJson } from "../../dataset-json.js";
import { withErrors } from "../../schemas/common-schemas.js";
import {
  AddVersionBody,
  AddVersionResponse,
  DatasetListResponse,
  DatasetNameParams,
  ManifestParams,
  ResolveQuery,
  Retention,
  RetentionResponse,
  VersionListResponse,
  VersionResponse,
} from "../../schemas/dataset-schemas.js";

const tags = ["datasets"];

/** A manifest lists every chunk of every file: a 1 GB file alone takes about 1.5 MB. */
const MANIFEST_BODY_LIMIT = 256 * 1024 * 1024;

export function datasetsRoutes(app: FastifyInstance, datasets: DatasetService): void {
  app.get(
    "/datasets",
    { schema: { tags, response: withErrors({ 200: DatasetListResponse }) } },
    async () => ({ datasets: (await datasets.list()).map(datasetSummaryJson) }),
  );

  app.get<{ Querystring: Static<typeof ResolveQuery> }>(
    "/datasets/resolve",
    {
      schema: {
        tags,
        description: "The version a reference names; a date alone means midnight UTC.",
        querystring: ResolveQuery,
        response: withErrors({ 200: VersionResponse }),
      },
    },
    async (request) => ({ version: datasetVersionJson(await datasets.resolve(request.query.ref)) }),
  );

  app.post<{ Params: Static<typeof DatasetNameParams>; Body: Static<typeof AddVersionBody> }>(
    "/datasets/:name/versions",
    {
      bodyLimit: MANIFEST_BODY_LIMIT,
      schema: {
        tags,
        description:
          "Adds a version once all its chunks are stored; the same manifest as the latest version adds nothing.",
        params: DatasetNameParams,
        body: AddVersionBody,
        response: withErrors({ 200: AddVersionResponse, 201: AddVersionResponse }),
      },
    },
    async (request, reply) => {
      const added = await datasets.addVersion(request.params.name, request.body);
      return reply
        .status(added.created ? 201 : 200)
        .send({ version: datasetVersionJson(added.version), created: added.created });
    },
  );

  app.get<{ Params: Static<typeof DatasetNameParams> }>(
    "/datasets/:name/versions",
    {
      schema: {
        tags,
        params: DatasetNameParams,
        response: withErrors({ 200: VersionListResponse }),
      },
    },
    async (request) => ({
      versions: (await datasets.versions(request.params.name)).map(datasetVersionJson),
    }),
  );

  app.get<{ Params: Static<typeof ManifestParams> }>(
    "/datasets/:name/versions/:version/manifest",
    {
      schema: {
        tags,
        description: "The manifest's canonical JSON; its SHA-256 is the version digest.",
        params: ManifestParams,
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      const { bytes, version: found } = await datasets.manifest(name, version);
      return reply
        .header("content-type", "application/json; charset=utf-8")
        .header("x-content-digest", found.digest)
        .send(Buffer.from(bytes));
    },
  );

  app.put<{ Params: Static<typeof DatasetNameParams>; Body: Static<typeof Retention> }>(
    "/datasets/:name/retention",
    {
      schema: {
        tags,
        description: "Replaces the retention rules; {} clears them.",
        params: DatasetNameParams,
        body: Retention,
        response: withErrors({ 200: RetentionResponse }),
      },
    },
    async (request) => ({
      retention: await datasets.setRetention(request.params.name, request.body),
    }),
  );
}
