import type BetterSqlite3 from "better-sqlite3";
import { NotFoundError } from "../../domain/errors.js";
import { moveToUndo } from "../../domain/model-rules.js";
import type { AliasMove, ModelVersion, RegisteredModel } from "../../domain/registered-model.js";
import type { RegistrySearch } from "../../domain/registry-search.js";
import { historyRowToMove, type KyselyModelRegistryReads } from "../kysely/model-registry-reads.js";
import {
  missingModel,
  missingVersion,
  noRollback,
  rollbackTargetDeleted,
  versionAliased,
} from "../model-registry-messages.js";
import type {
  AliasWrite,
  IoUse,
  ModelRegistryStore,
  ModelVersionPatch,
  NewModelVersion,
  NewRegisteredModel,
} from "../model-registry-store.js";
import type { ModelAliasHistoryTable } from "../model-registry-tables.js";
import { translateSqlite } from "./sqlite-errors.js";
import { currentAlias, insertVersionRows, moveAlias } from "./sqlite-model-writes.js";

type Sqlite = BetterSqlite3.Database;

/** Reads go through Kysely; every write is one synchronous, immediate transaction. */
export class SqliteModelRegistryStore implements ModelRegistryStore {
  constructor(
    private readonly db: Sqlite,
    private readonly reads: KyselyModelRegistryReads,
  ) {}

  private tx<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  private one<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.db.prepare(sql).get(...params) as T | undefined;
  }

  private run(sql: string, ...params: unknown[]): number {
    return this.db.prepare(sql).run(...params).changes;
  }

  private requireModel(name: string): void {
    if (!this.one("select 1 as x from registered_models where name = ?", name)) {
      throw missingModel(name);
    }
  }

  private requireVersion(name: string, version: number): void {
    this.requireModel(name);
    if (
      !this.one("select 1 as x from model_versions where name = ? and version = ?", name, version)
    ) {
      throw missingVersion(name, version);
    }
  }

  async createModel(input: NewRegisteredModel): Promise<RegisteredModel> {
    this.tx(() => {
      translateSqlite(
        () =>
          this.run(
            `insert into registered_models (name, description, last_version, created_at, updated_at)
             values (?, ?, 0, ?, ?)`,
            input.name,
            input.description,
            input.now,
            input.now,
          ),
        { conflict: `registered model ${JSON.stringify(input.name)} already exists` },
      );
      for (const [key, value] of Object.entries(input.tags)) {
        this.run(
          "insert into registered_model_tags (name, key, value) values (?, ?, ?)",
          input.name,
          key,
          value,
        );
      }
    });
    return (await this.reads.getModel(input.name)) as RegisteredModel;
  }

  getModel(name: string) {
    return this.reads.getModel(name);
  }

  searchModels(search: RegistrySearch) {
    return this.reads.searchModels("sqlite", search);
  }

  async renameModel(name: string, newName: string, now: number): Promise<void> {
    this.tx(() => {
      this.requireModel(name);
      translateSqlite(
        () =>
          this.run(
            "update registered_models set name = ?, updated_at = ? where name = ?",
            newName,
            now,
            name,
          ),
        { conflict: `registered model ${JSON.stringify(newName)} already exists` },
      );
      this.run("update run_io set name = ? where kind = 'model' and name = ?", newName, name);
    });
  }

  async updateModel(name: string, description: string, now: number): Promise<void> {
    const changed = this.run(
      "update registered_models set description = ?, updated_at = ? where name = ?",
      description,
      now,
      name,
    );
    if (changed === 0) throw missingModel(name);
  }

  async deleteModel(name: string): Promise<void> {
    this.tx(() => {
      this.requireModel(name);
      this.run("delete from model_aliases where name = ?", name);
      this.run("delete from registered_models where name = ?", name);
    });
  }

  async setModelTag(name: string, key: string, value: string): Promise<void> {
    this.tx(() => {
      this.requireModel(name);
      this.run(
        `insert into registered_model_tags (name, key, value) values (?, ?, ?)
         on conflict (name, key) do update set value = excluded.value`,
        name,
        key,
        value,
      );
    });
  }

  async deleteModelTag(name: string, key: string): Promise<boolean> {
    return this.tx(() => {
      this.requireModel(name);
      return (
        this.run("delete from registered_model_tags where name = ? and key = ?", name, key) > 0
      );
    });
  }

  async createVersion(input: NewModelVersion): Promise<ModelVersion> {
    const version = this.tx(() => {
      this.requireModel(input.name);
      if (!this.one("select 1 as x from runs where run_id = ?", input.runId)) {
        throw new NotFoundError(`run ${input.runId} not found`);
      }
      const next = this.one<{ last_version: number }>(
        "update registered_models set last_version = last_version + 1, updated_at = ? where name = ? returning last_version",
        input.now,
        input.name,
      );
      const v = Number(next?.last_version);
      insertVersionRows(this.db, input, v);
      return v;
    });
    return (await this.reads.getVersion(input.name, version)) as ModelVersion;
  }

  getVersion(name: string, version: number) {
    return this.reads.getVersion(name, version);
  }

  listVersions(filter: { name?: string; runId?: string }) {
    return this.reads.listVersions(filter);
  }

  searchVersions(search: RegistrySearch) {
    return this.reads.searchVersions("sqlite", search);
  }

  async updateVersion(
    name: string,
    version: number,
    patch: ModelVersionPatch,
    now: number,
  ): Promise<void> {
    this.tx(() => {
      this.requireVersion(name, version);
      if (patch.description !== undefined) {
        this.run(
          "update model_versions set description = ?, updated_at = ? where name = ? and version = ?",
          patch.description,
          now,
          name,
          version,
        );
      }
      if (patch.stage !== undefined) {
        this.run(
          "update model_versions set stage = ?, updated_at = ? where name = ? and version = ?",
          patch.stage,
          now,
          name,
          version,
        );
      }
    });
  }

  async deleteVersion(name: string, version: number): Promise<void> {
    this.tx(() => {
      this.requireVersion(name, version);
      const aliases = this.db
        .prepare("select alias from model_aliases where name = ? and version = ? order by alias")
        .pluck()
        .all(name, version) as string[];
      if (aliases.length > 0) throw versionAliased(name, version, aliases);
      this.run("delete from model_versions where name = ? and version = ?", name, version);
    });
  }

  async setVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    this.tx(() => {
      this.requireVersion(name, version);
      this.run(
        `insert into model_version_tags (name, version, key, value) values (?, ?, ?, ?)
         on conflict (name, version, key) do update set value = excluded.value`,
        name,
        version,
        key,
        value,
      );
    });
  }

  async deleteVersionTag(name: string, version: number, key: string): Promise<boolean> {
    return this.tx(() => {
      this.requireVersion(name, version);
      return (
        this.run(
          "delete from model_version_tags where name = ? and version = ? and key = ?",
          name,
          version,
          key,
        ) > 0
      );
    });
  }

  async setAlias(input: AliasWrite & { version: number }): Promise<AliasMove | undefined> {
    return this.tx(() => {
      this.requireVersion(input.name, input.version);
      if (currentAlias(this.db, input.name, input.alias) === input.version) return undefined;
      return moveAlias(this.db, input, input.version, "set");
    });
  }

  async deleteAlias(input: AliasWrite): Promise<AliasMove | undefined> {
    return this.tx(() => {
      this.requireModel(input.name);
      if (currentAlias(this.db, input.name, input.alias) === null) return undefined;
      return moveAlias(this.db, input, null, "delete");
    });
  }

  async rollbackAlias(input: AliasWrite): Promise<AliasMove> {
    return this.tx(() => {
      this.requireModel(input.name);
      const rows = this.db
        .prepare("select * from model_alias_history where name = ? and alias = ? order by seq")
        .all(input.name, input.alias) as ModelAliasHistoryTable[];
      const undo = moveToUndo(rows.map(historyRowToMove));
      if (!undo || undo.fromVersion === null) throw noRollback(input.name, input.alias);
      const target = undo.fromVersion;
      if (
        !this.one(
          "select 1 as x from model_versions where name = ? and version = ?",
          input.name,
          target,
        )
      ) {
        throw rollbackTargetDeleted(input.name, input.alias, target);
      }
      return moveAlias(this.db, input, target, "rollback");
    });
  }

  aliasHistory(name: string, alias: string) {
    return this.reads.aliasHistory(name, alias);
  }

  fileDigests(): AsyncIterable<string> {
    return this.reads.fileDigests();
  }

  ioUses(kind: "dataset" | "model", name: string, version: string): Promise<IoUse[]> {
    return this.reads.ioUses(kind, name, version);
  }
}
