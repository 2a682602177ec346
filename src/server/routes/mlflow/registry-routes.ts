import type { FastifyInstance } from "fastify";
import { ApiError } from "../../../domain/errors.js";
import { MODEL_STAGES, type ModelStage } from "../../../domain/registered-model.js";
import type { ModelRegistryService } from "../../../services/model-registry-service.js";
import type { TrackingServices } from "../../../services/tracking-services.js";
import { invalidParameter, MlflowError } from "../../mlflow/mlflow-errors.js";
import {
  latestPerStage,
  modelToMlflow,
  sourceLocation,
  versionToMlflow,
} from "../../mlflow/registry-mappers.js";
import {
  type Fields,
  fieldsOf,
  keyValueMap,
  optionalInt,
  optionalString,
  requiredNonEmpty,
  requiredString,
  stringList,
} from "../../mlflow/request-fields.js";

/** Registry conflicts in MLflow's terms: a taken name exists already; anything else is a 409. */
async function registryErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError && error.code === "CONFLICT") {
      const code = /already exists/.test(error.message)
        ? "RESOURCE_ALREADY_EXISTS"
        : "RESOURCE_CONFLICT";
      throw new MlflowError(code, error.message, { cause: error });
    }
    throw error;
  }
}

function versionOf(fields: Fields): number {
  const text = requiredNonEmpty(fields, "version");
  if (!/^[1-9]\d{0,15}$/.test(text)) {
    throw invalidParameter(
      `Invalid value ${JSON.stringify(text)} for parameter 'version': expected a positive integer.`,
    );
  }
  return Number(text);
}

function stageOf(fields: Fields): ModelStage {
  const text = requiredNonEmpty(fields, "stage");
  const stage = MODEL_STAGES.find((s) => s.toLowerCase() === text.toLowerCase());
  if (!stage)
    throw invalidParameter(
      `Invalid stage ${JSON.stringify(text)}: expected one of ${MODEL_STAGES.join(", ")}.`,
    );
  return stage;
}

function userOf(fields: Fields, tags: Record<string, string> = {}): string | undefined {
  return (
    optionalString(fields, "user") ||
    optionalString(fields, "user_id") ||
    tags["mlflow.user"] ||
    undefined
  );
}

function searchInput(fields: Fields) {
  const filter = optionalString(fields, "filter");
  const maxResults = optionalInt(fields, "max_results");
  const pageToken = optionalString(fields, "page_token");
  return {
    ...(filter !== undefined ? { filter } : {}),
    ...(maxResults !== undefined ? { maxResults } : {}),
    ...(pageToken ? { pageToken } : {}),
  };
}

/** registered-models/* and model-versions/*: MLflow's model registry over the ModelRegistryService. */
export function registryRoutes(
  app: FastifyInstance,
  services: TrackingServices,
  models: ModelRegistryService,
): void {
  const modelBody = async (name: string) => {
    const model = await models.getModel(name);
    return modelToMlflow(model, latestPerStage(await models.listVersions(name), []));
  };
  const post = (path: string, handler: (fields: Fields) => Promise<unknown>) =>
    app.post(path, async (request) => registryErrors(() => handler(fieldsOf(request))));
  const get = (path: string, handler: (fields: Fields) => Promise<unknown>) =>
    app.get(path, async (request) => registryErrors(() => handler(fieldsOf(request))));
  const patch = (path: string, handler: (fields: Fields) => Promise<unknown>) =>
    app.patch(path, async (request) => registryErrors(() => handler(fieldsOf(request))));
  const del = (path: string, handler: (fields: Fields) => Promise<unknown>) =>
    app.delete(path, async (request) => registryErrors(() => handler(fieldsOf(request))));

  post("/registered-models/create", async (f) => {
    const name = requiredNonEmpty(f, "name");
    const description = optionalString(f, "description");
    await models.createModel({
      name,
      tags: keyValueMap(f, "tags"),
      ...(description ? { description } : {}),
    });
    return { registered_model: await modelBody(name) };
  });

  post("/registered-models/rename", async (f) => {
    const model = await models.renameModel(
      requiredNonEmpty(f, "name"),
      requiredNonEmpty(f, "new_name"),
    );
    return { registered_model: await modelBody(model.name) };
  });

  patch("/registered-models/update", async (f) => {
    const name = requiredNonEmpty(f, "name");
    const description = optionalString(f, "description");
    if (description !== undefined) await models.updateModel(name, description);
    return { registered_model: await modelBody(name) };
  });

  del("/registered-models/delete", async (f) => {
    await models.deleteModel(requiredNonEmpty(f, "name"));
    return {};
  });

  get("/registered-models/get", async (f) => ({
    registered_model: await modelBody(requiredNonEmpty(f, "name")),
  }));

  const searchModels = async (f: Fields) => {
    const page = await models.searchModels(searchInput(f));
    const registered_models = await Promise.all(page.items.map((m) => modelBody(m.name)));
    return {
      registered_models,
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  };
  get("/registered-models/search", searchModels);
  post("/registered-models/search", searchModels);

  const latest = async (f: Fields) => {
    const name = requiredNonEmpty(f, "name");
    const versions = latestPerStage(await models.listVersions(name), stringList(f, "stages"));
    return { model_versions: versions.map(versionToMlflow) };
  };
  post("/registered-models/get-latest-versions", latest);
  get("/registered-models/get-latest-versions", latest);

  post("/registered-models/set-tag", async (f) => {
    await models.setModelTag(
      requiredNonEmpty(f, "name"),
      requiredNonEmpty(f, "key"),
      requiredString(f, "value"),
    );
    return {};
  });

  del("/registered-models/delete-tag", async (f) => {
    await models.deleteModelTag(requiredNonEmpty(f, "name"), requiredNonEmpty(f, "key"));
    return {};
  });

  post("/registered-models/alias", async (f) => {
    const name = requiredNonEmpty(f, "name");
    const alias = requiredNonEmpty(f, "alias");
    const user = userOf(f);
    await models.setAlias({ name, alias, version: versionOf(f), ...(user ? { user } : {}) });
    return {};
  });

  del("/registered-models/alias", async (f) => {
    const user = userOf(f);
    await models.deleteAlias({
      name: requiredNonEmpty(f, "name"),
      alias: requiredNonEmpty(f, "alias"),
      ...(user ? { user } : {}),
    });
    return {};
  });

  get("/registered-models/alias", async (f) => {
    const name = requiredNonEmpty(f, "name");
    const alias = requiredNonEmpty(f, "alias");
    return { model_version: versionToMlflow(await models.resolve({ name, alias })) };
  });

  post("/model-versions/create", async (f) => {
    const name = requiredNonEmpty(f, "name");
    const source = requiredNonEmpty(f, "source");
    const runId = optionalString(f, "run_id") || undefined;
    const location = sourceLocation(source, runId);
    if (!location) {
      throw invalidParameter(
        `Cannot register ${JSON.stringify(source)}: Lockstep registers run artifacts (runs:/RUN_ID/PATH or mlflow-artifacts:/…/RUN_ID/artifacts/PATH).`,
      );
    }
    const tags = keyValueMap(f, "tags");
    const description = optionalString(f, "description");
    const user = userOf(f, tags);
    const version = await models.registerVersion({
      name,
      runId: location.runId,
      path: location.path,
      source,
      tags,
      ...(description ? { description } : {}),
      ...(user ? { userId: user } : {}),
    });
    return { model_version: versionToMlflow(version) };
  });

  patch("/model-versions/update", async (f) => {
    const name = requiredNonEmpty(f, "name");
    const version = versionOf(f);
    const description = optionalString(f, "description");
    const updated = await models.updateVersion(
      name,
      version,
      description !== undefined ? { description } : {},
    );
    return { model_version: versionToMlflow(updated) };
  });

  post("/model-versions/transition-stage", async (f) => {
    const archive = String(f.archive_existing_versions ?? "false").toLowerCase() === "true";
    const updated = await models.transitionStage(
      requiredNonEmpty(f, "name"),
      versionOf(f),
      stageOf(f),
      archive,
    );
    return { model_version: versionToMlflow(updated) };
  });

  del("/model-versions/delete", async (f) => {
    await models.deleteVersion(requiredNonEmpty(f, "name"), versionOf(f));
    return {};
  });

  get("/model-versions/get", async (f) => ({
    model_version: versionToMlflow(
      await models.getVersion(requiredNonEmpty(f, "name"), versionOf(f)),
    ),
  }));

  const searchVersions = async (f: Fields) => {
    const page = await models.searchVersions(searchInput(f));
    return {
      model_versions: page.items.map(versionToMlflow),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  };
  get("/model-versions/search", searchVersions);
  post("/model-versions/search", searchVersions);

  get("/model-versions/get-download-uri", async (f) => {
    const version = await models.getVersion(requiredNonEmpty(f, "name"), versionOf(f));
    const run = await services.runs.getInfo(version.runId);
    const path = version.sourcePath === "" ? "" : `/${version.sourcePath}`;
    return { artifact_uri: `${run.artifactUri}${path}` };
  });

  post("/model-versions/set-tag", async (f) => {
    await models.setVersionTag(
      requiredNonEmpty(f, "name"),
      versionOf(f),
      requiredNonEmpty(f, "key"),
      requiredString(f, "value"),
    );
    return {};
  });

  del("/model-versions/delete-tag", async (f) => {
    await models.deleteVersionTag(
      requiredNonEmpty(f, "name"),
      versionOf(f),
      requiredNonEmpty(f, "key"),
    );
    return {};
  });
}
