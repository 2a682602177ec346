import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { TrackingServices } from "../../../services/tracking-services.js";
import { invalidParameter } from "../../mlflow/mlflow-errors.js";
import { parseMlflowJson } from "../../mlflow/mlflow-json-parser.js";
import type { MultipartUploads } from "../../mlflow/multipart-uploads.js";
import { requireProxyPath } from "../../mlflow/proxy-artifact-path.js";
import {
  type Fields,
  objectList,
  requiredInt,
  requiredNonEmpty,
  requiredString,
} from "../../mlflow/request-fields.js";
import { uploadFailure } from "./artifacts-proxy-routes.js";

type WildcardRequest = FastifyRequest<{ Params: { "*": string } }>;
type PartRequest = FastifyRequest<{ Params: { uploadId: string; partNumber: string } }>;

/** The raw-body scope hands bodies over as streams; mpu/create|complete|abort send small JSON. */
async function jsonFields(request: FastifyRequest): Promise<Fields> {
  const body = request.body as Readable | undefined;
  if (!body) return {};
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw invalidParameter("request body is too large");
    chunks.push(chunk as Buffer);
  }
  const parsed = parseMlflowJson(Buffer.concat(chunks).toString("utf8"));
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
    ? (parsed as Fields)
    : {};
}

/** The artifact the upload writes: the URL names the folder, `path` the local file. */
function targetOf(request: WildcardRequest, fields: Fields) {
  const folder = requireProxyPath(request.params["*"]);
  const fileName = requiredNonEmpty(fields, "path").split(/[/\\]/).pop() ?? "";
  if (fileName === "") throw invalidParameter("'path' must name a file.");
  return {
    runId: folder.runId,
    path: folder.path === "" ? fileName : `${folder.path}/${fileName}`,
  };
}

function unquoteEtag(etag: string): string {
  return etag.replace(/^W\//, "").replace(/^"|"$/g, "");
}

/**
 * Multipart upload through the proxy. Lockstep is the storage here, so the
 * part URLs handed out point back at Lockstep: each part becomes a blob, and
 * completing joins them, in part order, into the artifact.
 */
export function multipartUploadRoutes(
  app: FastifyInstance,
  options: { services: TrackingServices; uploads: MultipartUploads },
): void {
  const { services, uploads } = options;

  app.post("/mpu/create/*", async (request: WildcardRequest) => {
    const fields = await jsonFields(request);
    const target = targetOf(request, fields);
    await services.runs.getWritable(target.runId);
    const upload = uploads.create(target.runId, target.path, requiredInt(fields, "num_parts"));
    const origin = `${request.protocol}://${request.host}`;
    const credentials = Array.from({ length: upload.numParts }, (_, i) => ({
      url: `${origin}/api/2.0/mlflow-artifacts/mpu/upload-part/${upload.id}/${i + 1}`,
      part_number: i + 1,
      headers: {},
    }));
    return { upload_id: upload.id, credentials };
  });

  app.put("/mpu/upload-part/:uploadId/:partNumber", async (request: PartRequest, reply) => {
    const upload = uploads.get(request.params.uploadId);
    const partNumber = Number(request.params.partNumber);
    if (!Number.isSafeInteger(partNumber) || partNumber < 1 || partNumber > upload.numParts) {
      throw invalidParameter(`part number must be from 1 to ${upload.numParts}`);
    }
    const body = request.body as Readable | undefined;
    let digest: string;
    try {
      digest = (await services.artifacts.stagePart(body ?? new Uint8Array(0))).digest;
    } catch (error) {
      throw uploadFailure(request, error);
    }
    upload.parts.set(partNumber, digest);
    return reply.header("etag", `"${digest}"`).send({});
  });

  app.post("/mpu/complete/*", async (request: WildcardRequest) => {
    const fields = await jsonFields(request);
    const target = targetOf(request, fields);
    const upload = uploads.getFor(requiredString(fields, "upload_id"), target.runId, target.path);
    const listed = objectList(fields, "parts").map((part) => ({
      number: requiredInt(part, "part_number"),
      etag: unquoteEtag(requiredString(part, "etag")),
    }));
    if (listed.length === 0)
      throw invalidParameter("Missing value for required parameter 'parts'.");
    listed.sort((a, b) => a.number - b.number);
    if (listed.some((part, i) => i > 0 && listed[i - 1]?.number === part.number)) {
      throw invalidParameter("each part_number may be listed once");
    }
    const digests = listed.map(({ number, etag }) => {
      const digest = upload.parts.get(number);
      if (digest === undefined) throw invalidParameter(`part ${number} was never uploaded`);
      if (etag !== "" && etag !== digest) {
        throw invalidParameter(`part ${number}'s etag does not match the uploaded part`);
      }
      return digest;
    });
    await services.artifacts.putParts(upload.runId, upload.path, digests);
    uploads.remove(upload.id);
    return {};
  });

  app.post("/mpu/abort/*", async (request: WildcardRequest) => {
    const fields = await jsonFields(request);
    const target = targetOf(request, fields);
    const upload = uploads.getFor(requiredString(fields, "upload_id"), target.runId, target.path);
    uploads.remove(upload.id);
    return {};
  });
}
