import type { Kysely } from "kysely";
import type { DatasetRetention, DatasetVersion } from "../../domain/dataset.js";
import { NotFoundError } from "../../domain/errors.js";
import type { Database } from "../database.js";
import type { AddedDatasetVersion, DatasetStore, NewDatasetVersion } from "../dataset-store.js";
import { KyselyDatasetReads } from "../kysely/dataset-reads.js";
import {
  datasetVersionRowToVersion,
  datasetVersionToRow,
  nextVersionSlot,
} from "../kysely/dataset-row-mapper.js";

/** Adds lock the dataset's row (SELECT … FOR UPDATE), so concurrent adds take turns. */
export class PostgresDatasetStore extends KyselyDatasetReads implements DatasetStore {
  constructor(private readonly db: Kysely<Database>) {
    super(db);
  }

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

  async deleteVersions(name: string, numbers: number[]): Promise<number> {
    if (numbers.length === 0) return 0;
    const result = await this.db
      .deleteFrom("dataset_versions")
      .where("name", "=", name)
      .where("number", "in", numbers)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
