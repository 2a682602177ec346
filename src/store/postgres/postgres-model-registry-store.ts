import type { Kysely } from "kysely";
import { NotFoundError } from "../../domain/errors.js";
import { moveToUndo } from "../../domain/model-rules.js";
import type { AliasMove, ModelVersion, RegisteredModel } from "../../domain/registered-model.js";
import type { RegistrySearch } from "../../domain/registry-search.js";
import type { Database } from "../database.js";
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
import { translatePostgres } from "./postgres-errors.js";
import { currentAlias, insertVersionRows, moveAlias, type Tx } from "./postgres-model-writes.js";

/**
 * Every write is one transaction that first locks the model's row, so the
 * writes of one model (version numbers, alias moves and their history) are
 * serialised and none is lost.
 */
export class PostgresModelRegistryStore implements ModelRegistryStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly reads: KyselyModelRegistryReads,
  ) {}

  private async lockModel(tx: Tx, name: string): Promise<void> {
    const row = await tx
      .selectFrom("registered_models")
      .select("name")
      .where("name", "=", name)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw missingModel(name);
  }

  private async lockVersion(tx: Tx, name: string, version: number): Promise<void> {
    await this.lockModel(tx, name);
    const row = await tx
      .selectFrom("model_versions")
      .select("version")
      .where("name", "=", name)
      .where("version", "=", version)
      .executeTakeFirst();
    if (!row) throw missingVersion(name, version);
  }

  async createModel(input: NewRegisteredModel): Promise<RegisteredModel> {
    await translatePostgres(
      () =>
        this.db.transaction().execute(async (tx) => {
          await tx
            .insertInto("registered_models")
            .values({
              name: input.name,
              description: input.description,
              last_version: 0,
              created_at: input.now,
              updated_at: input.now,
            })
            .execute();
          const tags = Object.entries(input.tags).map(([key, value]) => ({
            name: input.name,
            key,
            value,
          }));
          if (tags.length > 0) await tx.insertInto("registered_model_tags").values(tags).execute();
        }),
      { conflict: `registered model ${JSON.stringify(input.name)} already exists` },
    );
    return (await this.reads.getModel(input.name)) as RegisteredModel;
  }

  getModel(name: string) {
    return this.reads.getModel(name);
  }

  searchModels(search: RegistrySearch) {
    return this.reads.searchModels("postgres", search);
  }

  async renameModel(name: string, newName: string, now: number): Promise<void> {
    await translatePostgres(
      () =>
        this.db.transaction().execute(async (tx) => {
          await this.lockModel(tx, name);
          await tx
            .updateTable("registered_models")
            .set({ name: newName, updated_at: now })
            .where("name", "=", name)
            .execute();
          await tx
            .updateTable("run_io")
            .set({ name: newName })
            .where("kind", "=", "model")
            .where("name", "=", name)
            .execute();
        }),
      { conflict: `registered model ${JSON.stringify(newName)} already exists` },
    );
  }

  async updateModel(name: string, description: string, now: number): Promise<void> {
    const result = await this.db
      .updateTable("registered_models")
      .set({ description, updated_at: now })
      .where("name", "=", name)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw missingModel(name);
  }

  async deleteModel(name: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.lockModel(tx, name);
      await tx.deleteFrom("model_aliases").where("name", "=", name).execute();
      await tx.deleteFrom("registered_models").where("name", "=", name).execute();
    });
  }

  async setModelTag(name: string, key: string, value: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.lockModel(tx, name);
      await tx
        .insertInto("registered_model_tags")
        .values({ name, key, value })
        .onConflict((oc) => oc.columns(["name", "key"]).doUpdateSet({ value }))
        .execute();
    });
  }

  async deleteModelTag(name: string, key: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      await this.lockModel(tx, name);
      const r = await tx
        .deleteFrom("registered_model_tags")
        .where("name", "=", name)
        .where("key", "=", key)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  async createVersion(input: NewModelVersion): Promise<ModelVersion> {
    const version = await this.db.transaction().execute(async (tx) => {
      await this.lockModel(tx, input.name);
      const run = await tx
        .selectFrom("runs")
        .select("run_id")
        .where("run_id", "=", input.runId)
        .executeTakeFirst();
      if (!run) throw new NotFoundError(`run ${input.runId} not found`);
      const next = await tx
        .updateTable("registered_models")
        .set((eb) => ({ last_version: eb("last_version", "+", 1), updated_at: input.now }))
        .where("name", "=", input.name)
        .returning("last_version")
        .executeTakeFirstOrThrow();
      const v = Number(next.last_version);
      await insertVersionRows(tx, input, v);
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
    return this.reads.searchVersions("postgres", search);
  }

  async updateVersion(
    name: string,
    version: number,
    patch: ModelVersionPatch,
    now: number,
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.lockVersion(tx, name, version);
      await tx
        .updateTable("model_versions")
        .set({
          updated_at: now,
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.stage !== undefined ? { stage: patch.stage } : {}),
        })
        .where("name", "=", name)
        .where("version", "=", version)
        .execute();
    });
  }

  async deleteVersion(name: string, version: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.lockVersion(tx, name, version);
      const aliases = await tx
        .selectFrom("model_aliases")
        .select("alias")
        .where("name", "=", name)
        .where("version", "=", version)
        .orderBy("alias")
        .execute();
      if (aliases.length > 0)
        throw versionAliased(
          name,
          version,
          aliases.map((a) => a.alias),
        );
      await tx
        .deleteFrom("model_versions")
        .where("name", "=", name)
        .where("version", "=", version)
        .execute();
    });
  }

  async setVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.lockVersion(tx, name, version);
      await tx
        .insertInto("model_version_tags")
        .values({ name, version, key, value })
        .onConflict((oc) => oc.columns(["name", "version", "key"]).doUpdateSet({ value }))
        .execute();
    });
  }

  async deleteVersionTag(name: string, version: number, key: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      await this.lockVersion(tx, name, version);
      const r = await tx
        .deleteFrom("model_version_tags")
        .where("name", "=", name)
        .where("version", "=", version)
        .where("key", "=", key)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  async setAlias(input: AliasWrite & { version: number }): Promise<AliasMove | undefined> {
    return this.db.transaction().execute(async (tx) => {
      await this.lockVersion(tx, input.name, input.version);
      if ((await currentAlias(tx, input.name, input.alias)) === input.version) return undefined;
      return moveAlias(tx, input, input.version, "set");
    });
  }

  async deleteAlias(input: AliasWrite): Promise<AliasMove | undefined> {
    return this.db.transaction().execute(async (tx) => {
      await this.lockModel(tx, input.name);
      if ((await currentAlias(tx, input.name, input.alias)) === null) return undefined;
      return moveAlias(tx, input, null, "delete");
    });
  }

  async rollbackAlias(input: AliasWrite): Promise<AliasMove> {
    return this.db.transaction().execute(async (tx) => {
      await this.lockModel(tx, input.name);
      const rows = await tx
        .selectFrom("model_alias_history")
        .selectAll()
        .where("name", "=", input.name)
        .where("alias", "=", input.alias)
        .orderBy("seq")
        .execute();
      const undo = moveToUndo(rows.map(historyRowToMove));
      if (!undo || undo.fromVersion === null) throw noRollback(input.name, input.alias);
      const target = undo.fromVersion;
      const exists = await tx
        .selectFrom("model_versions")
        .select("version")
        .where("name", "=", input.name)
        .where("version", "=", target)
        .executeTakeFirst();
      if (!exists) throw rollbackTargetDeleted(input.name, input.alias, target);
      return moveAlias(tx, input, target, "rollback");
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
