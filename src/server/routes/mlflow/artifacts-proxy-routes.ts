import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "../../../domain/errors.js";
import type { TrackingServices } from "../../../services/tracking-services.js";
import { MlflowError } from "../../mlflow/mlflow-errors.js";
import { fileInfosToMlflow } from "../../mlflow/mlflow-mappers.js";
import { parseProxyPath, requireProxyPath } from "../../mlflow/proxy-artifact-path.js";
import { fieldsOf, optionalString } from "../../mlflow/request-fields.js";

type WildcardRequest = FastifyRequest<{ Params: { "*": string } }>;

/** Raw bytes for any content type, streamed: an artifact may be any size. */
export function installRawBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, payload, done) => done(null, payload));
}

/** A client that hangs up mid-upload is not a server failure; nothing was stored. */
export function uploadFailure(request: FastifyRequest, error: unknown): unknown {
  if (request.body && !request.raw.complete && !(error instanceof ApiError)) {
    return new MlflowError("BAD_REQUEST", "the upload ended before its last byte", {
      cause: error,
    });
  }
  return error;
}

/**
 * The artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/...`): paths are
 * `<experiment_id>/<run_id>/artifacts/<path>`, as a run's artifact_uri
 * resolves, stored through the same ArtifactService as /api/v1's artifacts.
 */
export function artifactsProxyRoutes(app: FastifyInstance, services: TrackingServices): void {
  const { artifacts } = services;

  // Listing names entries by their base name, as MLflow's proxy does.
  app.get("/artifacts", async (request) => {
    const raw = optionalString(fieldsOf(request), "path") ?? "";
    const target = parseProxyPath(raw);
    if (!target) {
      // `<experiment_id>/<run_id>` holds just the run's artifact root; above that nothing is listed.
      const runOnly = /^(?:.*\/)?([0-9a-f]{32})\/?$/.exec(raw);
      if (runOnly) {
        await services.runs.getInfo(runOnly[1] as string);
        return { files: [{ path: "artifacts", is_dir: true }] };
      }
      return { files: [] };
    }
    const listing = await artifacts.list(target.runId, target.path);
    return { files: fileInfosToMlflow(listing, target.path) };
  });

  app.get("/artifacts/*", async (request: WildcardRequest, reply) => {
    const target = requireProxyPath(request.params["*"]);
    const { entry, stream } = await artifacts.open(target.runId, target.path);
    return reply
      .header("content-type", "application/octet-stream")
      .header("content-length", entry.size)
      .header("x-content-digest", entry.digest)
      .send(stream);
  });

  app.put("/artifacts/*", async (request: WildcardRequest) => {
    const target = requireProxyPath(request.params["*"]);
    const body = request.body as Readable | undefined;
    try {
      await artifacts.put(target.runId, target.path, body ?? new Uint8Array(0));
    } catch (error) {
      throw uploadFailure(request, error);
    }
    return {};
  });

  app.delete("/artifacts/*", async (request: WildcardRequest) => {
    const target = requireProxyPath(request.params["*"]);
    await artifacts.delete(target.runId, target.path);
    return {};
  });
}
