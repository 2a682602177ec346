import type { Kysely } from "kysely";
import type {
  AliasMove,
  AliasMoveKind,
  ModelStage,
  ModelVersion,
  RegisteredModel,
} from "../../domain/registered-model.js";
import type { RegistrySearch } from "../../domain/registry-search.js";
import type { Database } from "../database.js";
import type { IoUse } from "../model-registry-store.js";
import type { ModelAliasHistoryTable, ModelVersionTable } from "../model-registry-tables.js";
import { modelFilter, versionFilter } from "./model-registry-search.js";

export function historyRowToMove(row: ModelAliasHistoryTable): AliasMove {
  return {
    seq: Number(row.seq),
    name: row.name,
    alias: row.alias,
    fromVersion: row.from_version === null ? null : Number(row.from_version),
    toVersion: row.to_version === null ? null : Number(row.to_version),
    kind: row.kind as AliasMoveKind,
    user: row.user_id,
    at: Number(row.at),
  };
}

function versionRowToVersion(
  row: ModelVersionTable,
  tags: Record<string, string>,
  aliases: string[],
): ModelVersion {
  return {
    name: row.name,
    version: Number(row.version),
    runId: row.run_id,
    sourcePath: row.source_path,
    source: row.source,
    digest: row.digest,
    description: row.description,
    status: "READY",
    stage: row.stage as ModelStage,
    userId: row.user_id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    tags,
    aliases,
  };
}

type Dialect = "sqlite" | "postgres";

/** The read side of ModelRegistryStore; both adapters read through Kysely. */
export class KyselyModelRegistryReads {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every model, by name; only those named when `names` is given. */
  async listModels(names?: string[]): Promise<RegisteredModel[]> {
    if (names?.length === 0) return [];
    let models = this.db.selectFrom("registered_models").selectAll();
    let tags = this.db.selectFrom("registered_model_tags").selectAll();
    let aliases = this.db.selectFrom("model_aliases").selectAll();
    let latest = this.db
      .selectFrom("model_versions")
      .select(["name", (eb) => eb.fn.max("version").as("latest")])
      .groupBy("name");
    if (names !== undefined) {
      models = models.where("name", "in", names);
      tags = tags.where("name", "in", names);
      aliases = aliases.where("name", "in", names);
      latest = latest.where("name", "in", names);
    }
    const [modelRows, tagRows, aliasRows, latestRows] = await Promise.all([
      models.orderBy("name").execute(),
      tags.execute(),
      aliases.orderBy("alias").execute(),
      latest.execute(),
    ]);
    const byName = new Map<string, RegisteredModel>();
    for (const row of modelRows) {
      byName.set(row.name, {
        name: row.name,
        description: row.description,
        createdAt: Number(row.created_at),
        updatedAt: Number(row.updated_at),
        tags: Object.create(null),
        aliases: Object.create(null),
        latestVersion: null,
      });
    }
    for (const row of tagRows) {
      const model = byName.get(row.name);
      if (model) model.tags[row.key] = row.value;
    }
    for (const row of aliasRows) {
      const model = byName.get(row.name);
      if (model) model.aliases[row.alias] = Number(row.version);
    }
    for (const row of latestRows) {
      const model = byName.get(row.name);
      if (model && row.latest !== null) model.latestVersion = Number(row.latest);
    }
    return [...byName.values()];
  }

  async getModel(name: string): Promise<RegisteredModel | undefined> {
    return (await this.listModels([name]))[0];
  }

  /** One page of the models that match, by name: the filter and the page run in SQL. */
  async searchModels(dialect: Dialect, search: RegistrySearch): Promise<RegisteredModel[]> {
    const page = await this.db
      .selectFrom("registered_models as m")
      .select("m.name")
      .where(modelFilter(dialect, search.comparisons))
      .orderBy("m.name")
      .offset(search.offset)
      .limit(search.limit)
      .execute();
    // Hydrated by name, which keeps the page's order: both are sorted by name.
    return this.listModels(page.map((r) => r.name));
  }

  /** One page of the versions that match, by name and then newest first, without files. */
  async searchVersions(dialect: Dialect, search: RegistrySearch): Promise<ModelVersion[]> {
    const rows = await this.db
      .selectFrom("model_versions as v")
      .selectAll("v")
      .where(versionFilter(dialect, search.comparisons))
      .orderBy("v.name")
      .orderBy("v.version", "desc")
      .offset(search.offset)
      .limit(search.limit)
      .execute();
    return this.withTagsAndAliases(rows);
  }

  async listVersions(filter: { name?: string; runId?: string; version?: number }) {
    let versions = this.db.selectFrom("model_versions").selectAll();
    if (filter.name !== undefined) versions = versions.where("name", "=", filter.name);
    if (filter.runId !== undefined) versions = versions.where("run_id", "=", filter.runId);
    if (filter.version !== undefined) versions = versions.where("version", "=", filter.version);
    return this.withTagsAndAliases(
      await versions.orderBy("name").orderBy("version", "desc").execute(),
    );
  }

  private async withTagsAndAliases(rows: ModelVersionTable[]): Promise<ModelVersion[]> {
    if (rows.length === 0) return [];
    const names = [...new Set(rows.map((r) => r.name))];
    const [tagRows, aliasRows] = await Promise.all([
      this.db.selectFrom("model_version_tags").selectAll().where("name", "in", names).execute(),
      this.db
        .selectFrom("model_aliases")
        .selectAll()
        .where("name", "in", names)
        .orderBy("alias")
        .execute(),
    ]);
    const key = (name: string, version: number) => `${name}\u0000${Number(version)}`;
    const tags = new Map<string, Record<string, string>>();
    for (const row of tagRows) {
      const k = key(row.name, row.version);
      const map = tags.get(k) ?? Object.create(null);
      map[row.key] = row.value;
      tags.set(k, map);
    }
    const aliases = new Map<string, string[]>();
    for (const row of aliasRows) {
      const k = key(row.name, row.version);
      aliases.set(k, [...(aliases.get(k) ?? []), row.alias]);
    }
    return rows.map((row) =>
      versionRowToVersion(
        row,
        tags.get(key(row.name, row.version)) ?? {},
        aliases.get(key(row.name, row.version)) ?? [],
      ),
    );
  }

  async getVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    const [found] = await this.listVersions({ name, version });
    if (!found) return undefined;
    const files = await this.db
      .selectFrom("model_version_files")
      .select(["path", "digest", "size"])
      .where("name", "=", name)
      .where("version", "=", version)
      .orderBy("path")
      .execute();
    return { ...found, files: files.map((f) => ({ ...f, size: Number(f.size) })) };
  }

  async aliasHistory(name: string, alias: string): Promise<AliasMove[]> {
    const rows = await this.db
      .selectFrom("model_alias_history")
      .selectAll()
      .where("name", "=", name)
      .where("alias", "=", alias)
      .orderBy("seq")
      .execute();
    return rows.map(historyRowToMove);
  }

  async *fileDigests(): AsyncIterable<string> {
    let after: string | undefined;
    for (;;) {
      let q = this.db
        .selectFrom("model_version_files")
        .select("digest")
        .distinct()
        .orderBy("digest");
      if (after !== undefined) q = q.where("digest", ">", after);
      const rows = await q.limit(1000).execute();
      for (const row of rows) yield row.digest;
      const last = rows.at(-1);
      if (!last || rows.length < 1000) return;
      after = last.digest;
    }
  }

  async ioUses(kind: string, name: string, version: string): Promise<IoUse[]> {
    const rows = await this.db
      .selectFrom("run_io")
      .select(["run_id", "direction", "context"])
      .where("kind", "=", kind)
      .where("name", "=", name)
      .where("version", "=", version)
      .orderBy("run_id")
      .execute();
    return rows.map((r) => ({
      runId: r.run_id,
      direction: r.direction as IoUse["direction"],
      context: r.context,
    }));
  }
}
