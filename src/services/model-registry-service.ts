import { posix } from "node:path";
import type { Readable } from "node:stream";
import { normaliseArtifactFolder } from "../domain/artifact-path.js";
import { NotFoundError } from "../domain/errors.js";
import { type ModelRef, parseModelRef } from "../domain/model-ref.js";
import { modelVersionDigest } from "../domain/model-rules.js";
import type {
  AliasMove,
  ModelStage,
  ModelVersion,
  ModelVersionFile,
  RegisteredModel,
} from "../domain/registered-model.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { quote } from "./key-rules.js";
import {
  checkAlias,
  checkName,
  checkTag,
  type SearchInput,
  searchPage,
} from "./model-registry-checks.js";
import type { Page } from "./paging.js";
import { parseRegistryFilter } from "./registry-filter.js";
import { RunBlobService } from "./run-blob-service.js";

export type { SearchInput };

export interface RegisterVersionInput {
  name: string;
  runId: string;
  /** An artifact path of the run: a file, a folder, or "" for all of it. */
  path: string;
  source?: string;
  description?: string;
  tags?: Record<string, string>;
  userId?: string;
  /** Create the model when it does not exist (Lockstep's API; MLflow's create requires it). */
  createModel?: boolean;
}

const UNKNOWN_USER = "unknown";

/** Every blob a model version pins; garbage collection must keep them all. */
export function modelVersionDigests(store: MetadataStore): AsyncIterable<string> {
  return store.models.fileDigests();
}

/** The model registry: versions pinned from run artifacts, aliases with history, references. */
export class ModelRegistryService extends RunBlobService {
  async createModel(input: { name: string; description?: string; tags?: Record<string, string> }) {
    checkName(input.name);
    const tags = input.tags ?? {};
    for (const [key, value] of Object.entries(tags)) checkTag(key, value);
    return this.store.models.createModel({
      name: input.name,
      description: input.description ?? "",
      tags,
      now: this.now(),
    });
  }

  async getModel(name: string): Promise<RegisteredModel> {
    const model = await this.store.models.getModel(name);
    if (!model) throw new NotFoundError(`registered model ${quote(name)} not found`);
    return model;
  }

  /** MLflow's registered-model search: the filter and the page run in the store's SQL. */
  async searchModels(input: SearchInput = {}): Promise<Page<RegisteredModel>> {
    const comparisons = parseRegistryFilter(input.filter, ["name", "tags"]);
    return searchPage(
      input,
      { fingerprint: `models:${input.filter ?? ""}`, fallback: 100, max: 1000 },
      (window) => this.store.models.searchModels({ comparisons, ...window }),
    );
  }

  async renameModel(name: string, newName: string): Promise<RegisteredModel> {
    checkName(newName, "new_name");
    await this.store.models.renameModel(name, newName, this.now());
    return this.getModel(newName);
  }

  async updateModel(name: string, description: string): Promise<RegisteredModel> {
    await this.store.models.updateModel(name, description, this.now());
    return this.getModel(name);
  }

  deleteModel(name: string): Promise<void> {
    return this.store.models.deleteModel(name);
  }

  async setModelTag(name: string, key: string, value: string): Promise<void> {
    checkTag(key, value);
    await this.store.models.setModelTag(name, key, value);
  }

  async deleteModelTag(name: string, key: string): Promise<void> {
    if (!(await this.store.models.deleteModelTag(name, key))) {
      throw new NotFoundError(`registered model ${quote(name)} has no tag ${quote(key)}`);
    }
  }

  /**
   * Pins the files at `path` of the run as the model's next version. Checks
   * everything before writing, so a bad run or path stores nothing.
   */
  async registerVersion(input: RegisterVersionInput): Promise<ModelVersion> {
    checkName(input.name);
    const tags = input.tags ?? {};
    for (const [key, value] of Object.entries(tags)) checkTag(key, value);
    await this.runs.getInfo(input.runId);
    const files = await this.snapshot(input.runId, input.path);
    if (!(await this.store.models.getModel(input.name))) {
      if (!input.createModel)
        throw new NotFoundError(`registered model ${quote(input.name)} not found`);
      await this.createModelIfMissing(input.name);
    }
    const sourcePath = normaliseArtifactFolder(input.path.replace(/\/+$/, ""));
    return this.store.models.createVersion({
      name: input.name,
      runId: input.runId,
      sourcePath,
      source: input.source ?? `runs:/${input.runId}/${sourcePath}`,
      files,
      digest: modelVersionDigest(files),
      description: input.description ?? "",
      tags,
      userId: input.userId || UNKNOWN_USER,
      now: this.now(),
    });
  }

  private async createModelIfMissing(name: string): Promise<void> {
    try {
      await this.store.models.createModel({ name, description: "", tags: {}, now: this.now() });
    } catch (error) {
      // Another registration created it first.
      if (!(await this.store.models.getModel(name))) throw error;
    }
  }

  /** The files at an artifact path, with paths relative to it (a file keeps its base name). */
  private async snapshot(runId: string, rawPath: string): Promise<ModelVersionFile[]> {
    const folder = normaliseArtifactFolder(rawPath.replace(/\/+$/, ""));
    const prefix = folder === "" ? "" : `${folder}/`;
    const entries = (await this.store.artifacts.listUnder(runId, folder)).filter(
      (e) => e.path === folder || e.path.startsWith(prefix),
    );
    if (entries.length === 0) {
      throw new NotFoundError(
        `run ${runId} has no artifact at ${quote(folder === "" ? "/" : folder)}`,
      );
    }
    return entries.map((e) => ({
      path: e.path === folder ? posix.basename(e.path) : e.path.slice(prefix.length),
      digest: e.digest,
      size: e.size,
    }));
  }

  async getVersion(name: string, version: number): Promise<ModelVersion> {
    const found = await this.store.models.getVersion(name, version);
    if (found) return found;
    await this.getModel(name);
    throw new NotFoundError(`model ${quote(name)} has no version ${version}`);
  }

  async listVersions(name: string): Promise<ModelVersion[]> {
    await this.getModel(name);
    return this.store.models.listVersions({ name });
  }

  /** MLflow's model-version search: the filter and the page run in the store's SQL. */
  async searchVersions(input: SearchInput = {}): Promise<Page<ModelVersion>> {
    const comparisons = parseRegistryFilter(input.filter, ["name", "run_id", "version", "tags"]);
    return searchPage(
      input,
      { fingerprint: `versions:${input.filter ?? ""}`, fallback: 10_000, max: 200_000 },
      (window) => this.store.models.searchVersions({ comparisons, ...window }),
    );
  }

  async updateVersion(
    name: string,
    version: number,
    patch: { description?: string; stage?: ModelStage },
  ) {
    await this.store.models.updateVersion(name, version, patch, this.now());
    return this.getVersion(name, version);
  }

  /** MLflow's stage transition; `archiveExisting` archives other versions in that stage. */
  async transitionStage(
    name: string,
    version: number,
    stage: ModelStage,
    archiveExisting: boolean,
  ) {
    await this.getVersion(name, version);
    if (archiveExisting && (stage === "Staging" || stage === "Production")) {
      for (const other of await this.store.models.listVersions({ name })) {
        if (other.version !== version && other.stage === stage) {
          await this.store.models.updateVersion(
            name,
            other.version,
            { stage: "Archived" },
            this.now(),
          );
        }
      }
    }
    return this.updateVersion(name, version, { stage });
  }

  deleteVersion(name: string, version: number): Promise<void> {
    return this.store.models.deleteVersion(name, version);
  }

  async setVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    checkTag(key, value);
    await this.store.models.setVersionTag(name, version, key, value);
  }

  async deleteVersionTag(name: string, version: number, key: string): Promise<void> {
    if (!(await this.store.models.deleteVersionTag(name, version, key))) {
      throw new NotFoundError(
        `version ${version} of model ${quote(name)} has no tag ${quote(key)}`,
      );
    }
  }

  async setAlias(input: { name: string; alias: string; version: number; user?: string }) {
    checkAlias(input.alias);
    await this.getVersion(input.name, input.version);
    return this.store.models.setAlias({
      ...input,
      user: input.user || UNKNOWN_USER,
      now: this.now(),
    });
  }

  async deleteAlias(input: { name: string; alias: string; user?: string }): Promise<AliasMove> {
    await this.getModel(input.name);
    const move = await this.store.models.deleteAlias({
      ...input,
      user: input.user || UNKNOWN_USER,
      now: this.now(),
    });
    if (!move) throw this.missingAlias(input.name, input.alias);
    return move;
  }

  async rollbackAlias(input: { name: string; alias: string; user?: string }): Promise<AliasMove> {
    const model = await this.getModel(input.name);
    const history = await this.store.models.aliasHistory(input.name, input.alias);
    if (history.length === 0 && model.aliases[input.alias] === undefined) {
      throw this.missingAlias(input.name, input.alias);
    }
    return this.store.models.rollbackAlias({
      ...input,
      user: input.user || UNKNOWN_USER,
      now: this.now(),
    });
  }

  async aliasHistory(name: string, alias: string): Promise<AliasMove[]> {
    await this.getModel(name);
    return this.store.models.aliasHistory(name, alias);
  }

  private missingAlias(name: string, alias: string): NotFoundError {
    return new NotFoundError(`model ${quote(name)} has no alias ${quote(alias)}`);
  }

  /** The version a reference names: `models:/NAME@ALIAS`, `models:/NAME/VERSION`, or a parsed ref. */
  async resolve(ref: string | ModelRef): Promise<ModelVersion> {
    const parsed = typeof ref === "string" ? parseModelRef(ref) : ref;
    if (parsed.version !== undefined) return this.getVersion(parsed.name, parsed.version);
    const model = await this.getModel(parsed.name);
    const version =
      parsed.alias === "latest" ? (model.latestVersion ?? undefined) : model.aliases[parsed.alias];
    if (version === undefined) {
      if (parsed.alias === "latest")
        throw new NotFoundError(`model ${quote(parsed.name)} has no versions`);
      throw this.missingAlias(parsed.name, parsed.alias);
    }
    return this.getVersion(parsed.name, version);
  }

  /** One pinned file of a version, streamed from its blob and re-hashed on the way. */
  async openFile(
    name: string,
    version: number,
    path: string,
  ): Promise<{ file: ModelVersionFile; stream: Readable }> {
    const found = await this.getVersion(name, version);
    const file = found.files?.find((f) => f.path === path);
    if (!file)
      throw new NotFoundError(
        `version ${version} of model ${quote(name)} has no file ${quote(path)}`,
      );
    const stream = await this.blobs.get(file.digest);
    if (!stream)
      throw new NotFoundError(`the bytes of ${quote(path)} (${file.digest}) are missing`);
    return { file, stream };
  }
}
