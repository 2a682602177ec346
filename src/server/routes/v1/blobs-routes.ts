import type { Readable } from "node:stream";
import type { Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { PACK_MEDIA_TYPE } from "../../../blobs/pack/pack-codec.js";
import { ApiError, BadRequestError } from "../../../domain/errors.js";
import type { BlobService } from "../../../services/blob-service.js";
import { PackUploadResponse, UnpackBody } from "../../schemas/blob-pack-schemas.js";
import {
  DigestParams,
  MissingBlobsBody,
  MissingBlobsResponse,
  StoredBlobResponse,
} from "../../schemas/blob-schemas.js";
import { withErrors } from "../../schemas/common-schemas.js";
import { sendPieces } from "./send-pieces.js";

const tags = ["blobs"];

export async function blobsRoutes(app: FastifyInstance, blobs: BlobService) {
  app.post<{ Body: Static<typeof MissingBlobsBody> }>(
    "/blobs/missing",
    {
      schema: {
        tags,
        description: "The digests among those given that the server does not hold.",
        body: MissingBlobsBody,
        response: withErrors({ 200: MissingBlobsResponse }),
      },
    },
    async (request) => ({ missing: await blobs.missing(request.body.digests) }),
  );

  app.post<{ Body: Static<typeof UnpackBody> }>(
    "/blobs/unpack",
    {
      schema: {
        tags,
        description:
          "Many blobs in one response, as a pack (see docs/api.md); bytes as stored, for the client to verify.",
        body: UnpackBody,
        produces: [PACK_MEDIA_TYPE],
      },
    },
    async (request, reply) => {
      const pack = await blobs.openPack(request.body.digests);
      // Written by hand so each piece's buffer is reused once the socket has it.
      reply.hijack();
      await sendPieces(
        reply.raw,
        { "content-type": PACK_MEDIA_TYPE },
        pack.pieces,
        pack.release,
        (err) => request.log.error({ err }, "pack download cut short"),
      );
    },
  );

  app.get<{ Params: Static<typeof DigestParams> }>(
    "/blobs/:digest",
    {
      schema: {
        tags,
        description: "The bytes, re-hashed as they stream; a corrupt blob cuts the stream.",
        params: DigestParams,
        produces: ["application/octet-stream"],
      },
    },
    async (request, reply) => {
      const { size, stream } = await blobs.open(request.params.digest);
      return reply
        .header("content-type", "application/octet-stream")
        .header("content-length", size)
        .send(stream);
    },
  );

  // Uploads stream straight into the blob store, whatever their content type or size.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser("*", (_request, payload, done) => done(null, payload));
    raw.post(
      "/blobs/pack",
      {
        schema: {
          tags,
          description:
            "Stores many blobs sent as one pack (see docs/api.md), each checked against its digest; all or nothing.",
          consumes: [PACK_MEDIA_TYPE],
          response: withErrors({ 201: PackUploadResponse }),
        },
      },
      async (request, reply) => {
        try {
          const result = await blobs.putPack(request.raw);
          return reply.status(201).send(result);
        } catch (error) {
          if (!(error instanceof ApiError) && !request.raw.complete) {
            throw new BadRequestError("the pack upload ended before its last byte", {
              cause: error,
            });
          }
          throw error;
        }
      },
    );
    raw.put<{ Params: Static<typeof DigestParams> }>(
      "/blobs/:digest",
      {
        schema: {
          tags,
          description: "Stores bytes that must hash to :digest; otherwise nothing is stored.",
          params: DigestParams,
          consumes: ["application/octet-stream"],
          response: withErrors({ 201: StoredBlobResponse }),
        },
      },
      async (request, reply) => {
        const body = request.body as Readable | undefined;
        try {
          const stored = await blobs.put(request.params.digest, body ?? new Uint8Array(0));
          return reply.status(201).send(stored);
        } catch (error) {
          if (body && !request.raw.complete && !(error instanceof ApiError)) {
            throw new BadRequestError("the upload ended before its last byte", { cause: error });
          }
          throw error;
        }
      },
    );
  });
}
