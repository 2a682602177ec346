import type { Kysely } from "kysely";
import type { DatasetRetention, DatasetSummary, DatasetVersion } from "../../domain/dataset.js";
import type { Database } from "../database.js";
import type { DatasetUse } from "../dataset-store.js";
import { datasetVersionRowToVersion, retentionOf } from "./dataset-row-mapper.js";

const PAGE = 1000;

/** The read side of DatasetStore; both adapters read through Kysely. */
/** The dataset reads both adapters share; each adapter extends it with its own writes. */
export class KyselyDatasetReads {
  constructor(protected readonly readDb: Kysely<Database>) {}

  async list(): Promise<DatasetSummary[]> {
    const counts = await this.readDb
      .selectFrom("dataset_versions")
      .select(["name", (eb) => eb.fn.countAll().as("n")])
      .groupBy("name")
      .execute();
    const latest = await this.readDb
      .selectFrom("dataset_versions as v")
      .innerJoin(
        this.readDb
          .selectFrom("dataset_versions")
          .select(["name", (eb) => eb.fn.max("number").as("top")])
          .groupBy("name")
          .as("l"),
        (join) => join.onRef("l.name", "=", "v.name").onRef("l.top", "=", "v.number"),
      )
      .selectAll("v")
      .execute();
    const latestByName = new Map(latest.map((row) => [row.name, datasetVersionRowToVersion(row)]));
    const names = await this.readDb.selectFrom("datasets").select("name").execute();
    const countByName = new Map(counts.map((row) => [row.name, Number(row.n)]));
    return names
      .map(({ name }): DatasetSummary => {
        const top = latestByName.get(name);
        return { name, versions: countByName.get(name) ?? 0, ...(top ? { latest: top } : {}) };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async exists(name: string): Promise<boolean> {
    const row = await this.readDb
      .selectFrom("datasets")
      .select("name")
      .where("name", "=", name)
      .executeTakeFirst();
    return row !== undefined;
  }

  async versions(name: string): Promise<DatasetVersion[]> {
    const rows = await this.readDb
      .selectFrom("dataset_versions")
      .selectAll()
      .where("name", "=", name)
      .orderBy("number")
      .execute();
    return rows.map(datasetVersionRowToVersion);
  }

  latest(name: string): Promise<DatasetVersion | undefined> {
    return this.one(name, "desc");
  }

  first(name: string): Promise<DatasetVersion | undefined> {
    return this.one(name, "asc");
  }

  async byNumber(name: string, number: number): Promise<DatasetVersion | undefined> {
    const row = await this.readDb
      .selectFrom("dataset_versions")
      .selectAll()
      .where("name", "=", name)
      .where("number", "=", number)
      .executeTakeFirst();
    return row && datasetVersionRowToVersion(row);
  }

  async byDigestPrefix(name: string, hexPrefix: string): Promise<DatasetVersion[]> {
    // Only lowercase hex reaches here, so LIKE has no wildcards to escape.
    if (!/^[0-9a-f]{1,64}$/.test(hexPrefix)) return [];
    const rows = await this.readDb
      .selectFrom("dataset_versions")
      .selectAll()
      .where("name", "=", name)
      .where("digest", "like", `sha256:${hexPrefix}%`)
      .orderBy("number")
      .execute();
    return rows.map(datasetVersionRowToVersion);
  }

  async asOf(name: string, time: number): Promise<DatasetVersion | undefined> {
    const row = await this.readDb
      .selectFrom("dataset_versions")
      .selectAll()
      .where("name", "=", name)
      .where("created_at", "<=", time)
      .orderBy("created_at", "desc")
      .limit(1)
      .executeTakeFirst();
    return row && datasetVersionRowToVersion(row);
  }

  async retentions(): Promise<{ name: string; retention: DatasetRetention }[]> {
    const rows = await this.readDb
      .selectFrom("datasets")
      .select(["name", "keep_last", "keep_within_days"])
      .where((eb) =>
        eb.or([eb("keep_last", "is not", null), eb("keep_within_days", "is not", null)]),
      )
      .execute();
    return rows.map((row) => ({ name: row.name, retention: retentionOf(row) }));
  }

  async *allVersions(): AsyncIterable<DatasetVersion> {
    // Keyset pages so a large catalogue is never held in memory at once.
    let after: { name: string; number: number } | undefined;
    for (;;) {
      let q = this.readDb.selectFrom("dataset_versions").selectAll();
      if (after) {
        const { name, number } = after;
        q = q.where((eb) =>
          eb.or([
            eb("name", ">", name),
            eb.and([eb("name", "=", name), eb("number", ">", number)]),
          ]),
        );
      }
      const rows = await q.orderBy("name").orderBy("number").limit(PAGE).execute();
      for (const row of rows) yield datasetVersionRowToVersion(row);
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) return;
      after = { name: last.name, number: Number(last.number) };
    }
  }

  async usedByRuns(): Promise<DatasetUse[]> {
    return this.readDb
      .selectFrom("run_io")
      .select(["name", "digest"])
      .distinct()
      .where("kind", "=", "dataset")
      .execute();
  }

  private async one(name: string, order: "asc" | "desc"): Promise<DatasetVersion | undefined> {
    const row = await this.readDb
      .selectFrom("dataset_versions")
      .selectAll()
      .where("name", "=", name)
      .orderBy("number", order)
      .limit(1)
      .executeTakeFirst();
    return row && datasetVersionRowToVersion(row);
  }
}
