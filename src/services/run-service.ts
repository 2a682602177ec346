import { BadRequestError, ConflictError, NotFoundError } from "../domain/errors.js";
import { DEFAULT_EXPERIMENT_ID, type Experiment, type ViewType } from "../domain/experiment.js";
import { isRunId, newRunId } from "../domain/ids.js";
import { LIMITS } from "../domain/limits.js";
import { decodePageToken, encodePageToken } from "../domain/page-token.js";
import {
  isTerminalStatus,
  type Run,
  type RunCapture,
  type RunInfo,
  type RunIo,
  type RunKind,
  type RunStatus,
} from "../domain/run.js";
import { parseFilter } from "../domain/search/filter-parser.js";
import { parseOrderBy } from "../domain/search/order-by-parser.js";
import type { MetadataStore, RunPatch } from "../store/metadata-store.js";
import type { ExperimentService } from "./experiment-service.js";
import { checkKey, checkLength, checkStringMap, quote } from "./key-rules.js";
import { type Page, pageLimit } from "./paging.js";
import { queryFingerprint } from "./query-fingerprint.js";
import { generateRunName } from "./run-names.js";
import { checkStatusChange, SYSTEM_TAGS } from "./run-rules.js";

export interface CreateRunInput {
  experimentId?: string;
  experimentName?: string;
  name?: string;
  parentId?: string;
  kind?: RunKind;
  userId?: string;
  startTime?: number;
  tags?: Record<string, string>;
  params?: Record<string, string>;
}

export interface UpdateRunInput {
  status?: RunStatus;
  endTime?: number | null;
  name?: string;
}

export interface SearchRunsInput {
  experimentIds?: string[];
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
  maxResults?: number;
  pageToken?: string;
}

const DEFAULT_USER = "unknown";

function checkRunName(name: string, path = "name"): void {
  checkLength({ what: "run name", value: name, max: LIMITS.runNameLength, path });
}

/** Runs: creation with MLflow's defaults and system tags, status changes, params, tags, search. */
export class RunService {
  constructor(
    private readonly store: MetadataStore,
    private readonly experiments: ExperimentService,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: CreateRunInput): Promise<Run> {
    const tags = { ...(input.tags ?? {}) };
    const params = input.params ?? {};
    checkStringMap({
      kind: "run tag",
      map: tags,
      maxValueLength: LIMITS.runTagValueLength,
      path: "tags",
    });
    checkStringMap({
      kind: "param",
      map: params,
      maxValueLength: LIMITS.paramValueLength,
      path: "params",
    });
    const experiment = await this.resolveExperiment(input);
    // An empty name counts as none, as in MLflow.
    const name = input.name || tags[SYSTEM_TAGS.runName] || generateRunName();
    checkRunName(name);
    const userId = input.userId ?? tags[SYSTEM_TAGS.user] ?? DEFAULT_USER;
    const parentId = input.parentId ?? tags[SYSTEM_TAGS.parentRunId] ?? null;
    if (parentId !== null) await this.getInfo(parentId, "parent run");
    const id = newRunId();
    tags[SYSTEM_TAGS.runName] = name;
    tags[SYSTEM_TAGS.user] = userId;
    if (parentId !== null) tags[SYSTEM_TAGS.parentRunId] = parentId;
    return this.store.runs.create({
      id,
      experimentId: experiment.id,
      name,
      userId,
      status: "RUNNING",
      kind: input.kind ?? "train",
      parentId,
      startTime: input.startTime ?? this.now(),
      artifactUri: `${experiment.artifactLocation.replace(/\/+$/, "")}/${id}/artifacts`,
      tags,
      params,
    });
  }

  private async resolveExperiment(input: CreateRunInput): Promise<Experiment> {
    if (input.experimentId !== undefined && input.experimentName !== undefined) {
      const experiment = await this.experiments.getActive(input.experimentId);
      if (experiment.name !== input.experimentName) {
        throw new BadRequestError(
          `experimentId ${quote(input.experimentId)} and experimentName ${quote(input.experimentName)} name different experiments`,
        );
      }
      return experiment;
    }
    if (input.experimentName !== undefined) {
      const experiment = await this.experiments.getOrCreateByName(input.experimentName);
      if (experiment.lifecycleStage !== "active") {
        throw new ConflictError(
          `experiment ${quote(experiment.name)} is deleted; restore it first`,
        );
      }
      return experiment;
    }
    return this.experiments.getActive(input.experimentId ?? DEFAULT_EXPERIMENT_ID);
  }

  /** The whole run, capture included; 404 when there is none. */
  async get(id: string): Promise<Run> {
    const run = isRunId(id) ? await this.store.runs.get(id) : undefined;
    if (!run) throw new NotFoundError(`run ${quote(id)} not found`);
    return run;
  }

  async getInfo(id: string, what = "run"): Promise<RunInfo> {
    const info = isRunId(id) ? await this.store.runs.getInfo(id) : undefined;
    if (!info) throw new NotFoundError(`${what} ${quote(id)} not found`);
    return info;
  }

  /** A run that may be written to: it exists and is not deleted. */
  async getWritable(id: string): Promise<RunInfo> {
    const info = await this.getInfo(id);
    if (info.lifecycleStage !== "active") {
      throw new ConflictError(`run ${id} is deleted; restore it before writing to it`);
    }
    return info;
  }

  async update(id: string, input: UpdateRunInput): Promise<Run> {
    const info = await this.getWritable(id);
    const patch: RunPatch = {};
    if (input.status !== undefined) {
      checkStatusChange(id, info.status, input.status);
      patch.status = input.status;
      if (isTerminalStatus(input.status) && input.endTime === undefined && info.endTime === null) {
        patch.endTime = this.now();
      }
      if (input.status === "RUNNING" && input.endTime === undefined) patch.endTime = null;
    }
    if (input.endTime !== undefined) patch.endTime = input.endTime;
    if (input.name !== undefined) {
      checkRunName(input.name);
      patch.name = input.name;
    }
    await this.store.runs.update(id, patch);
    if (input.name !== undefined) await this.setTags(id, { [SYSTEM_TAGS.runName]: input.name });
    return this.get(id);
  }

  async delete(id: string): Promise<Run> {
    await this.getInfo(id);
    await this.store.runs.setLifecycle(id, "deleted", this.now());
    return this.get(id);
  }

  async restore(id: string): Promise<Run> {
    await this.getInfo(id);
    await this.store.runs.setLifecycle(id, "active", this.now());
    return this.get(id);
  }

  async search(input: SearchRunsInput): Promise<Page<Run>> {
    const experimentIds = input.experimentIds ?? [];
    for (const id of experimentIds) {
      if (!/^[0-9]{1,18}$/.test(id)) {
        throw new BadRequestError(`experiment id ${quote(id)} is not a decimal number`, {
          issues: [{ path: "experimentIds", message: "must hold decimal strings" }],
        });
      }
    }
    const filterText = input.filter ?? "";
    const filter = filterText.trim() === "" ? [] : parseFilter(filterText);
    const orderBy = parseOrderBy(input.orderBy ?? []);
    const viewType = input.viewType ?? "ACTIVE_ONLY";
    const limit = pageLimit(
      input.maxResults,
      LIMITS.searchMaxResultsDefault,
      LIMITS.searchMaxResults,
    );
    const fingerprint = queryFingerprint([
      "runs",
      experimentIds,
      filterText,
      input.orderBy ?? [],
      viewType,
    ]);
    const offset = decodePageToken(input.pageToken, fingerprint);
    const rows = await this.store.runs.search({
      experimentIds,
      filter,
      viewType,
      orderBy,
      offset,
      limit,
    });
    const items = rows.slice(0, limit);
    return rows.length > limit
      ? { items, nextPageToken: encodePageToken(offset + limit, fingerprint) }
      : { items };
  }

  async children(id: string): Promise<Run[]> {
    await this.getInfo(id);
    return this.store.runs.children(id);
  }

  /** Params are write-once: the store throws ConflictError naming the key when a value would change. */
  async logParams(id: string, params: Record<string, string>): Promise<void> {
    checkStringMap({
      kind: "param",
      map: params,
      maxValueLength: LIMITS.paramValueLength,
      path: "params",
    });
    await this.getWritable(id);
    await this.store.runs.logBatch({ runId: id, metrics: [], params, tags: {} });
  }

  async setTag(id: string, key: string, value: string): Promise<void> {
    checkKey("run tag", key);
    checkLength({
      what: `run tag ${quote(key)} value`,
      value,
      max: LIMITS.runTagValueLength,
      path: "value",
    });
    if (key === SYSTEM_TAGS.runName) checkRunName(value, "value");
    await this.getWritable(id);
    await this.setTags(id, { [key]: value });
    // The run's name and its mlflow.runName tag are one fact; MLflow clients rename via the tag.
    if (key === SYSTEM_TAGS.runName) await this.store.runs.update(id, { name: value });
  }

  private async setTags(id: string, tags: Record<string, string>): Promise<void> {
    await this.store.runs.logBatch({ runId: id, metrics: [], params: {}, tags });
  }

  async deleteTag(id: string, key: string): Promise<void> {
    checkKey("run tag", key);
    await this.getWritable(id);
    await this.store.runs.deleteTag(id, key);
  }

  /** Records what a run read (dataset versions); the same input twice is kept once. */
  async addInputs(id: string, inputs: RunIo[]): Promise<void> {
    await this.getWritable(id);
    if (inputs.length > 0) await this.store.runs.addIo(id, "input", inputs);
  }

  async setCapture(id: string, capture: RunCapture): Promise<void> {
    await this.getWritable(id);
    await this.store.runs.setCapture(id, capture);
  }
}
