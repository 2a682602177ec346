import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import type { DatasetRetention, DatasetVersion } from "../../domain/dataset.js";
import { NotFoundError } from "../../domain/errors.js";
import type { Database } from "../database.js";
import type { AddedDatasetVersion, DatasetStore, NewDatasetVersion } from "../dataset-store.js";
import { KyselyDatasetReads } from "../kysely/dataset-reads.js";
import type { DatasetRow, DatasetVersionRow } from "../kysely/dataset-row-mapper.js";
import {
  datasetVersionRowToVersion,
  datasetVersionToRow,
  nextVersionSlot,
} from "../kysely/dataset-row-mapper.js";

/** Writes are synchronous statements in IMMEDIATE transactions, so adds never interleave. */
export class SqliteDatasetStore extends KyselyDatasetReads implements DatasetStore {
  private readonly dataset: BetterSqlite3.Statement<[string], DatasetRow>;
  private readonly latestRow: BetterSqlite3.Statement<[string], DatasetVersionRow>;
  private readonly insertDataset: BetterSqlite3.Statement;
  private readonly advance: BetterSqlite3.Statement;
  private readonly insertVersion: BetterSqlite3.Statement;
  private readonly updateRetention: BetterSqlite3.Statement;

  constructor(
    private readonly db: BetterSqlite3.Database,
    reads: Kysely<Database>,
  ) {
    super(reads);
    this.dataset = db.prepare("select * from datasets where name = ?");
    this.latestRow = db.prepare(
      "select * from dataset_versions where name = ? order by number desc limit 1",
    );
    this.insertDataset = db.prepare(
      `insert into datasets (name, created_at, last_number, last_created_at) values (?, ?, 0, 0)`,
    );
    this.advance = db.prepare(
      "update datasets set last_number = ?, last_created_at = ? where name = ?",
    );
    this.insertVersion = db.prepare(
      `insert into dataset_versions (name, number, digest, created_at, message, source, size, files)
       values (@name, @number, @digest, @created_at, @message, @source, @size, @files)`,
    );
    this.updateRetention = db.prepare(
      "update datasets set keep_last = ?, keep_within_days = ? where name = ?",
    );
  }

  async addVersion(input: NewDatasetVersion): Promise<AddedDatasetVersion> {
    return this.db
      .transaction((): AddedDatasetVersion => {
        let dataset = this.dataset.get(input.name);
        if (!dataset) {
          this.insertDataset.run(input.name, input.now);
          dataset = this.dataset.get(input.name);
        }
        const latest = this.latestRow.get(input.name);
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
        this.insertVersion.run(datasetVersionToRow(version));
        this.advance.run(version.number, version.createdAt, input.name);
        return { version, created: true };
      })
      .immediate();
  }

  async setRetention(name: string, retention: DatasetRetention): Promise<DatasetRetention> {
    const { changes } = this.updateRetention.run(
      retention.keepLast ?? null,
      retention.keepWithinDays ?? null,
      name,
    );
    if (changes === 0) throw new NotFoundError(`dataset ${name} not found`);
    return { ...retention };
  }

  async deleteVersions(name: string, numbers: number[]): Promise<number> {
    let removed = 0;
    // Slices keep each statement well under SQLite's limit on bound variables.
    for (let at = 0; at < numbers.length; at += 500) {
      const slice = numbers.slice(at, at + 500);
      const remove = this.db.prepare(
        `delete from dataset_versions where name = ? and number in (${slice.map(() => "?").join(",")})`,
      );
      removed += remove.run(name, ...slice).changes;
    }
    return removed;
  }
}
