import type { FastifyInstance } from "fastify";
import type { Experiment } from "../../../domain/experiment.js";
import type { Page } from "../../../services/paging.js";
import type { TrackingServices } from "../../../services/tracking-services.js";
import { MlflowError, nameConflictsAsExisting } from "../../mlflow/mlflow-errors.js";
import { experimentToMlflow } from "../../mlflow/mlflow-mappers.js";
import {
  experimentIdOf,
  type Fields,
  fieldsOf,
  keyValueMap,
  optionalInt,
  optionalString,
  requiredNonEmpty,
  requiredString,
  stringList,
  viewTypeOf,
} from "../../mlflow/request-fields.js";

function searchPage(page: Page<Experiment>) {
  return {
    experiments: page.items.map(experimentToMlflow),
    ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
  };
}

function searchInput(fields: Fields) {
  const filter = optionalString(fields, "filter");
  const maxResults = optionalInt(fields, "max_results");
  const pageToken = optionalString(fields, "page_token");
  const viewType = viewTypeOf(fields, "view_type");
  return {
    orderBy: stringList(fields, "order_by"),
    ...(filter !== undefined ? { filter } : {}),
    ...(maxResults !== undefined ? { maxResults } : {}),
    ...(pageToken !== undefined ? { pageToken } : {}),
    ...(viewType !== undefined ? { viewType } : {}),
  };
}

/** experiments/*: MLflow's experiment routes over the ExperimentService. */
export function experimentsRoutes(app: FastifyInstance, services: TrackingServices): void {
  const { experiments } = services;

  app.post("/experiments/create", async (request) => {
    const fields = fieldsOf(request);
    const name = requiredNonEmpty(fields, "name");
    const artifactLocation = optionalString(fields, "artifact_location");
    const experiment = await nameConflictsAsExisting(() =>
      experiments.create({
        name,
        tags: keyValueMap(fields, "tags"),
        ...(artifactLocation ? { artifactLocation } : {}),
      }),
    );
    return { experiment_id: experiment.id };
  });

  app.get("/experiments/get", async (request) => {
    const experiment = await experiments.get(experimentIdOf(fieldsOf(request)));
    return { experiment: experimentToMlflow(experiment) };
  });

  app.get("/experiments/get-by-name", async (request) => {
    const name = requiredString(fieldsOf(request), "experiment_name");
    return { experiment: experimentToMlflow(await experiments.getByName(name)) };
  });

  const search = async (fields: Fields) =>
    searchPage(await experiments.search(searchInput(fields)));
  app.post("/experiments/search", async (request) => search(fieldsOf(request)));
  app.get("/experiments/search", async (request) => search(fieldsOf(request)));
  // Removed in MLflow 2.0; older clients still list this way.
  app.get("/experiments/list", async (request) => search(fieldsOf(request)));

  app.post("/experiments/update", async (request) => {
    const fields = fieldsOf(request);
    const id = experimentIdOf(fields);
    const newName = optionalString(fields, "new_name");
    if (newName !== undefined) {
      await nameConflictsAsExisting(() =>
        experiments.rename(id, requiredNonEmpty(fields, "new_name")),
      );
    } else {
      await experiments.get(id);
    }
    return {};
  });

  app.post("/experiments/delete", async (request) => {
    await experiments.delete(experimentIdOf(fieldsOf(request)));
    return {};
  });

  app.post("/experiments/restore", async (request) => {
    await experiments.restore(experimentIdOf(fieldsOf(request)));
    return {};
  });

  app.post("/experiments/set-experiment-tag", async (request) => {
    const fields = fieldsOf(request);
    const id = experimentIdOf(fields);
    await experiments.setTag(id, requiredString(fields, "key"), requiredString(fields, "value"));
    return {};
  });

  app.post("/experiments/delete-experiment-tag", async (request) => {
    const fields = fieldsOf(request);
    const id = experimentIdOf(fields);
    const key = requiredString(fields, "key");
    const experiment = await experiments.get(id);
    if (!Object.hasOwn(experiment.tags, key)) {
      throw new MlflowError(
        "RESOURCE_DOES_NOT_EXIST",
        `No tag with name '${key}' in experiment ${id}.`,
      );
    }
    await experiments.deleteTag(id, key);
    return {};
  });
}
