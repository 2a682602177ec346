import type { FastifyInstance } from "fastify";
import { RUN_STATUSES, type Run, type RunStatus } from "../../../domain/run.js";
import type { TrackingServices } from "../../../services/tracking-services.js";
import { invalidParameter, MlflowError } from "../../mlflow/mlflow-errors.js";
import { runInfoToMlflow, runToMlflow } from "../../mlflow/mlflow-mappers.js";
import {
  type Fields,
  fieldsOf,
  keyValueMap,
  optionalInt,
  optionalString,
  requiredString,
  runIdOf,
  stringList,
  viewTypeOf,
} from "../../mlflow/request-fields.js";

function statusOf(fields: Fields): RunStatus | undefined {
  const status = optionalString(fields, "status");
  if (status === undefined || status === "") return undefined;
  if (!(RUN_STATUSES as readonly string[]).includes(status)) {
    throw invalidParameter(`Invalid value ${JSON.stringify(status)} for parameter 'status'.`);
  }
  return status as RunStatus;
}

/** runs/*: creating, reading, updating and searching runs, and their tags. */
export function runsRoutes(app: FastifyInstance, services: TrackingServices): void {
  const { runs, metrics } = services;

  // Run.metrics holds latest values only; MLflow's metric entries also carry timestamp and step.
  const withMetrics = async (run: Run) =>
    runToMlflow(run, Object.keys(run.metrics).length === 0 ? [] : await metrics.latest(run.id));

  app.post("/runs/create", async (request) => {
    const fields = fieldsOf(request);
    const experimentId = optionalString(fields, "experiment_id");
    const userId = optionalString(fields, "user_id");
    const runName = optionalString(fields, "run_name");
    const startTime = optionalInt(fields, "start_time");
    const run = await runs.create({
      tags: keyValueMap(fields, "tags"),
      ...(experimentId ? { experimentId } : {}),
      ...(userId ? { userId } : {}),
      ...(runName ? { name: runName } : {}),
      ...(startTime !== undefined ? { startTime } : {}),
    });
    return { run: runToMlflow(run, []) };
  });

  app.get("/runs/get", async (request) => {
    const run = await runs.get(runIdOf(fieldsOf(request)));
    return { run: await withMetrics(run) };
  });

  app.post("/runs/update", async (request) => {
    const fields = fieldsOf(request);
    const status = statusOf(fields);
    const endTime = optionalInt(fields, "end_time");
    const runName = optionalString(fields, "run_name");
    const run = await runs.update(runIdOf(fields), {
      ...(status !== undefined ? { status } : {}),
      ...(endTime !== undefined ? { endTime } : {}),
      ...(runName ? { name: runName } : {}),
    });
    return { run_info: runInfoToMlflow(run) };
  });

  app.post("/runs/delete", async (request) => {
    await runs.delete(runIdOf(fieldsOf(request)));
    return {};
  });

  app.post("/runs/restore", async (request) => {
    await runs.restore(runIdOf(fieldsOf(request)));
    return {};
  });

  app.post("/runs/search", async (request) => {
    const fields = fieldsOf(request);
    const filter = optionalString(fields, "filter");
    const maxResults = optionalInt(fields, "max_results");
    const pageToken = optionalString(fields, "page_token");
    const viewType = viewTypeOf(fields, "run_view_type");
    const page = await runs.search({
      experimentIds: stringList(fields, "experiment_ids"),
      orderBy: stringList(fields, "order_by"),
      ...(filter !== undefined ? { filter } : {}),
      ...(maxResults !== undefined ? { maxResults } : {}),
      ...(pageToken !== undefined ? { pageToken } : {}),
      ...(viewType !== undefined ? { viewType } : {}),
    });
    return {
      runs: await Promise.all(page.items.map(withMetrics)),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  });

  app.post("/runs/set-tag", async (request) => {
    const fields = fieldsOf(request);
    const runId = runIdOf(fields);
    await runs.setTag(runId, requiredString(fields, "key"), requiredString(fields, "value"));
    return {};
  });

  app.post("/runs/delete-tag", async (request) => {
    const fields = fieldsOf(request);
    const runId = runIdOf(fields);
    const key = requiredString(fields, "key");
    const run = await runs.get(runId);
    if (run.lifecycleStage === "active" && !Object.hasOwn(run.tags, key)) {
      throw new MlflowError(
        "RESOURCE_DOES_NOT_EXIST",
        `No tag with name: ${key} in run with id ${runId}`,
      );
    }
    await runs.deleteTag(runId, key);
    return {};
  });
}
