import type {
  AliasMove,
  AliasMoveKind,
  ModelStage,
  ModelVersion,
  ModelVersionFile,
  RegisteredModel,
} from "../domain/registered-model.js";
import type { RegistrySearch } from "../domain/registry-search.js";

export interface NewRegisteredModel {
  name: string;
  description: string;
  tags: Record<string, string>;
  now: number;
}

export interface NewModelVersion {
  name: string;
  runId: string;
  sourcePath: string;
  source: string;
  files: ModelVersionFile[];
  digest: string;
  description: string;
  tags: Record<string, string>;
  userId: string;
  now: number;
}

export interface ModelVersionPatch {
  description?: string;
  stage?: ModelStage;
}

export interface AliasWrite {
  name: string;
  alias: string;
  user: string;
  now: number;
}

/** A run that read or wrote an entity (run_io), for lineage. */
export interface IoUse {
  runId: string;
  direction: "input" | "output";
  context: string;
}

/**
 * The registry port. Lookups return undefined; writes naming a missing model,
 * version or run throw NotFoundError; taken names and deleting an aliased
 * version throw ConflictError. Each write is one transaction, and alias
 * writes of one model are serialised so the history never loses a move.
 */
export interface ModelRegistryStore {
  createModel(input: NewRegisteredModel): Promise<RegisteredModel>;
  getModel(name: string): Promise<RegisteredModel | undefined>;
  /** One page of the models matching every comparison (`name`, `tags.<key>`), by name. */
  searchModels(search: RegistrySearch): Promise<RegisteredModel[]>;
  renameModel(name: string, newName: string, now: number): Promise<void>;
  updateModel(name: string, description: string, now: number): Promise<void>;
  /** Deletes the model, its versions, aliases and history. */
  deleteModel(name: string): Promise<void>;
  setModelTag(name: string, key: string, value: string): Promise<void>;
  deleteModelTag(name: string, key: string): Promise<boolean>;

  /**
   * Allocates the next number, stores the version with its files and tags,
   * and records it as an output (kind "model") of its source run — all at once.
   */
  createVersion(input: NewModelVersion): Promise<ModelVersion>;
  /** With its files. */
  getVersion(name: string, version: number): Promise<ModelVersion | undefined>;
  /** Without files, newest first; both filters optional. */
  listVersions(filter: { name?: string; runId?: string }): Promise<ModelVersion[]>;
  /**
   * One page of the versions matching every comparison (`name`, `run_id`,
   * `version`, `tags.<key>`), by name and then newest first, without files.
   */
  searchVersions(search: RegistrySearch): Promise<ModelVersion[]>;
  updateVersion(
    name: string,
    version: number,
    patch: ModelVersionPatch,
    now: number,
  ): Promise<void>;
  /** Throws ConflictError when an alias points at it. */
  deleteVersion(name: string, version: number): Promise<void>;
  setVersionTag(name: string, version: number, key: string, value: string): Promise<void>;
  deleteVersionTag(name: string, version: number, key: string): Promise<boolean>;

  /** Points the alias at a version and records the move (none when it already points there). */
  setAlias(input: AliasWrite & { version: number }): Promise<AliasMove | undefined>;
  /** Returns the move, or undefined when there was no such alias. */
  deleteAlias(input: AliasWrite): Promise<AliasMove | undefined>;
  /**
   * Undoes the latest move not yet undone (see moveToUndo); throws
   * BadRequestError when there is none or it created the alias.
   */
  rollbackAlias(input: AliasWrite): Promise<AliasMove>;
  /** Oldest first. */
  aliasHistory(name: string, alias: string): Promise<AliasMove[]>;

  /** Every digest a model version's files refer to (garbage collection keeps them). */
  fileDigests(): AsyncIterable<string>;
  /** Runs that read or wrote this entity version. */
  ioUses(kind: "dataset" | "model", name: string, version: string): Promise<IoUse[]>;
}

export type { AliasMoveKind };
