import { BadRequestError, ConflictError, NotFoundError } from "../domain/errors.js";
import { DEFAULT_EXPERIMENT_ID, type Experiment, type ViewType } from "../domain/experiment.js";
import { LIMITS } from "../domain/limits.js";
import { decodePageToken, encodePageToken } from "../domain/page-token.js";
import { parseFilter } from "../domain/search/filter-parser.js";
import { parseOrderBy } from "../domain/search/order-by-parser.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { checkKey, checkLength, checkStringMap, quote } from "./key-rules.js";
import { type Page, pageLimit } from "./paging.js";
import { queryFingerprint } from "./query-fingerprint.js";

const EXPERIMENT_ID = /^[0-9]{1,18}$/;

export interface CreateExperimentInput {
  name: string;
  artifactLocation?: string;
  tags?: Record<string, string>;
}

export interface SearchExperimentsInput {
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
  maxResults?: number;
  pageToken?: string;
}

/** Where an experiment's artifacts go when it was created without a location. */
export function defaultArtifactLocation(experimentId: string): string {
  return `mlflow-artifacts:/${experimentId}`;
}

function withDefaults(experiment: Experiment): Experiment {
  if (experiment.artifactLocation !== "") return experiment;
  return { ...experiment, artifactLocation: defaultArtifactLocation(experiment.id) };
}

function checkName(name: string, path = "name"): void {
  if (name.trim() === "") {
    throw new BadRequestError("experiment name must not be empty", {
      issues: [{ path, message: "must not be empty" }],
    });
  }
  checkLength({ what: "experiment name", value: name, max: LIMITS.experimentNameLength, path });
}

/** Experiments: names are unique, "0" (Default) always exists and cannot be deleted. */
export class ExperimentService {
  constructor(
    private readonly store: MetadataStore,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: CreateExperimentInput): Promise<Experiment> {
    checkName(input.name);
    const tags = input.tags ?? {};
    checkStringMap({
      kind: "experiment tag",
      map: tags,
      maxValueLength: LIMITS.experimentTagValueLength,
      path: "tags",
    });
    const created = await this.store.experiments.create({
      name: input.name,
      tags,
      now: this.now(),
      ...(input.artifactLocation ? { artifactLocation: input.artifactLocation } : {}),
    });
    return withDefaults(created);
  }

  /** The experiment with that name, created when there is none (as `runs create` needs). */
  async getOrCreateByName(name: string): Promise<Experiment> {
    const found = await this.store.experiments.getByName(name);
    if (found) return withDefaults(found);
    try {
      return await this.create({ name });
    } catch (error) {
      // Another request created it between our lookup and our insert.
      if (!(error instanceof ConflictError)) throw error;
      const raced = await this.store.experiments.getByName(name);
      if (!raced) throw error;
      return withDefaults(raced);
    }
  }

  async get(id: string): Promise<Experiment> {
    const found = EXPERIMENT_ID.test(id) ? await this.store.experiments.get(id) : undefined;
    if (!found) throw new NotFoundError(`experiment ${quote(id)} not found`);
    return withDefaults(found);
  }

  async getByName(name: string): Promise<Experiment> {
    const found = await this.store.experiments.getByName(name);
    if (!found) throw new NotFoundError(`experiment named ${quote(name)} not found`);
    return withDefaults(found);
  }

  /** Like get, but refuses a deleted experiment: nothing may be written into one. */
  async getActive(id: string): Promise<Experiment> {
    const experiment = await this.get(id);
    if (experiment.lifecycleStage !== "active") {
      throw new ConflictError(`experiment ${quote(id)} is deleted; restore it first`);
    }
    return experiment;
  }

  async search(input: SearchExperimentsInput): Promise<Page<Experiment>> {
    const filterText = input.filter ?? "";
    const filter = filterText.trim() === "" ? [] : parseFilter(filterText, "experiments");
    const orderBy = parseOrderBy(input.orderBy ?? [], "experiments");
    const viewType = input.viewType ?? "ACTIVE_ONLY";
    const limit = pageLimit(
      input.maxResults,
      LIMITS.searchMaxResultsDefault,
      LIMITS.searchMaxResults,
    );
    const fingerprint = queryFingerprint([
      "experiments",
      filterText,
      input.orderBy ?? [],
      viewType,
    ]);
    const offset = decodePageToken(input.pageToken, fingerprint);
    const rows = await this.store.experiments.search({ viewType, filter, orderBy, offset, limit });
    const items = rows.slice(0, limit).map(withDefaults);
    return rows.length > limit
      ? { items, nextPageToken: encodePageToken(offset + limit, fingerprint) }
      : { items };
  }

  async rename(id: string, name: string): Promise<Experiment> {
    checkName(name);
    await this.getActive(id);
    await this.store.experiments.rename(id, name, this.now());
    return this.get(id);
  }

  async delete(id: string): Promise<Experiment> {
    if (id === DEFAULT_EXPERIMENT_ID) {
      throw new BadRequestError("the Default experiment (id 0) cannot be deleted");
    }
    await this.get(id);
    await this.store.experiments.setLifecycle(id, "deleted", this.now());
    return this.get(id);
  }

  async restore(id: string): Promise<Experiment> {
    await this.get(id);
    await this.store.experiments.setLifecycle(id, "active", this.now());
    return this.get(id);
  }

  async setTag(id: string, key: string, value: string): Promise<void> {
    checkKey("experiment tag", key);
    checkLength({
      what: `experiment tag ${quote(key)} value`,
      value,
      max: LIMITS.experimentTagValueLength,
      path: "value",
    });
    await this.getActive(id);
    await this.store.experiments.setTag(id, key, value, this.now());
  }

  async deleteTag(id: string, key: string): Promise<void> {
    checkKey("experiment tag", key);
    await this.getActive(id);
    await this.store.experiments.deleteTag(id, key, this.now());
  }
}
