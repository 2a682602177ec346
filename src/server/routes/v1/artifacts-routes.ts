import type { Readable } from "node:stream";
import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { ApiError, BadRequestError } from "../../../domain/errors.js";
import type { ArtifactService } from "../../../services/artifact-service.js";
import {
  ArtifactListResponse,
  ArtifactParams,
  ArtifactResponse,
  ListArtifactsQuery,
} from "../../schemas/artifact-schemas.js";
import { RunIdParams, withErrors } from "../../schemas/common-schemas.js";

const tags = ["artifacts"];

/**
 * Artifact bytes stream straight between the socket and the blob store, so
 * this plugin replaces the JSON parser with a pass-through for every content
 * type and sets no body limit: an artifact may be any size.
 */
export async function artifactsRoutes(app: FastifyInstance, artifacts: ArtifactService) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, payload, done) => done(null, payload));

  app.put<{ Params: Static<typeof ArtifactParams> }>(
    "/runs/:id/artifacts/*",
    {
      schema: {
        tags,
        description: "Uploads raw bytes (any content type, any size) to a path under the run.",
        params: ArtifactParams,
        consumes: ["application/octet-stream"],
        response: withErrors({ 201: ArtifactResponse }),
      },
    },
    async (request, reply) => {
      const body = request.body as Readable | undefined;
      const source = body ?? new Uint8Array(0);
      try {
        const artifact = await artifacts.put(request.params.id, request.params["*"], source);
        return reply.status(201).send({ artifact });
      } catch (error) {
        // A client that hangs up mid-upload is not a server failure; nothing was stored.
        if (body && !request.raw.complete && !(error instanceof ApiError)) {
          throw new BadRequestError("the upload ended before its last byte", { cause: error });
        }
        throw error;
      }
    },
  );

  app.get<{ Params: Static<typeof RunIdParams>; Querystring: Static<typeof ListArtifactsQuery> }>(
    "/runs/:id/artifacts",
    {
      schema: {
        tags,
        description: "The direct entries of a folder; sub-folders have isDir true.",
        params: RunIdParams,
        querystring: ListArtifactsQuery,
        response: withErrors({ 200: ArtifactListResponse }),
      },
    },
    async (request) => ({
      files: await artifacts.list(request.params.id, request.query.path ?? ""),
    }),
  );

  app.get<{ Params: Static<typeof ArtifactParams> }>(
    "/runs/:id/artifacts/*",
    {
      schema: {
        tags,
        description: "The bytes, verified against their digest as they stream.",
        params: ArtifactParams,
        produces: ["application/octet-stream"],
      },
    },
    async (request, reply) => {
      const { entry, stream } = await artifacts.open(request.params.id, request.params["*"]);
      // If the bytes turn out corrupt mid-stream the connection is cut, and the
      // length promised here lets the client see the download as incomplete.
      return reply
        .header("content-type", "application/octet-stream")
        .header("content-length", entry.size)
        .header("x-content-digest", entry.digest)
        .send(stream);
    },
  );
}
