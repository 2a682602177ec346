import type { Kysely } from "kysely";
import type { DatasetRetention, DatasetSummary, DatasetVersion } from "../../domain/dataset.js";
import { NotFoundError } from "../../domain/errors.js";
import type { Database } from "../database.js";
import type {
  AddedDatasetVersion,
  DatasetStore,
  DatasetUse,
  NewDatasetVersion,
} from "../dataset-store.js";
import type { KyselyDatasetReads } from "../kysely/dataset-reads.js";
import {
  datasetVersionRowToVersion,
  datasetVersionToRow,
  nextVersionSlot,
} from "../kysely/dataset-row-mapper.js";

/** Adds lock the dataset's row (SELECT … FOR UPDATE), so concurrent adds take turns. */
export class PostgresDatasetStore implements DatasetStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly reads: KyselyDatasetReads,
  ) {}

  addVersion(input: NewDatasetVersion): Promise<AddedDatasetVersion> {
    return this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto("datasets")
        .values({ name: input.name, created_at: input.now, last_number: 0, last_created_at: 0 })
        .onConflict((oc) => oc.column("name").doNothing())
        .execute();
      const dataset = await tx
        .selectFrom("datasets")
        .select(["last_number", "last_created_at"])
        .where("name", "=", input.name)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const latest = await tx
        .selectFrom("dataset_versions")
        .selectAll()
        .where("name", "=", input.name)
        .orderBy("number", "desc")
        .limit(1)
        .executeTakeFirst();
      if (latest && latest.digest === input.digest) {
        return { version: datasetVersionRowToVersion(latest), created: false };
      }
      const slot = nextVersionSlot(dataset, input.now);
      const version: DatasetVersion = {
        name: input.name,
        number: slot.number,
        digest: input.digest,
        createdAt: slot.createdAt,
        message: input.message,
        source: input.source,
        size: input.size,
        files: input.files,
      };
      await tx.insertInto("dataset_versions").values(datasetVersionToRow(version)).execute();
      await tx
        .updateTable("datasets")
        .set({ last_number: version.number, last_created_at: version.createdAt })
        .where("name", "=", input.name)
        .execute();
      return { version, created: true };
    });
  }

  list(): Promise<DatasetSummary[]> {
    return this.reads.list();
  }

  exists(name: string): Promise<boolean> {
    return this.reads.exists(name);
  }

  versions(name: string): Promise<DatasetVersion[]> {
    return this.reads.versions(name);
  }

  latest(name: string): Promise<DatasetVersion | undefined> {
    return this.reads.latest(name);
  }

  first(name: string): Promise<DatasetVersion | undefined> {
    return this.reads.first(name);
  }

  byNumber(name: string, number: number): Promise<DatasetVersion | undefined> {
    return this.reads.byNumber(name, number);
  }

  byDigestPrefix(name: string, hexPrefix: string): Promise<DatasetVersion[]> {
    return this.reads.byDigestPrefix(name, hexPrefix);
  }

  asOf(name: string, time: number): Promise<DatasetVersion | undefined> {
    return this.reads.asOf(name, time);
  }

  async setRetention(name: string, retention: DatasetRetention): Promise<DatasetRetention> {
    const result = await this.db
      .updateTable("datasets")
      .set({
        keep_last: retention.keepLast ?? null,
        keep_within_days: retention.keepWithinDays ?? null,
      })
      .where("name", "=", name)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError(`dataset ${name} not found`);
    return { ...retention };
  }

  retentions(): Promise<{ name: string; retention: DatasetRetention }[]> {
    return this.reads.retentions();
  }

  async deleteVersions(name: string, numbers: number[]): Promise<number> {
    if (numbers.length === 0) return 0;
    const result = await this.db
      .deleteFrom("dataset_versions")
      .where("name", "=", name)
      .where("number", "in", numbers)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  allVersions(): AsyncIterable<DatasetVersion> {
    return this.reads.allVersions();
  }

  usedByRuns(): Promise<DatasetUse[]> {
    return this.reads.usedByRuns();
  }
}
