import type { Kysely } from "kysely";
import type { Run, RunInfo } from "../../domain/run.js";
import type { Database } from "../database.js";
import type { RunSearch } from "../metadata-store.js";
import { chunks, loadRunDetails } from "./run-details-query.js";
import {
  emptyRunDetails,
  type RunInfoRow,
  runRowToRun,
  runRowToRunInfo,
} from "./run-row-mapper.js";
import { runSearchQuery } from "./run-search-query.js";

const INFO_COLUMNS = [
  "run_id",
  "experiment_id",
  "name",
  "user_id",
  "status",
  "kind",
  "parent_id",
  "start_time",
  "end_time",
  "lifecycle_stage",
  "deleted_time",
  "artifact_uri",
] as const;

/** The read side of RunStore; both adapters read through Kysely. */
export class KyselyRunReads {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: "sqlite" | "postgres",
  ) {}

  async get(id: string): Promise<Run | undefined> {
    const row = await this.db
      .selectFrom("runs")
      .select([...INFO_COLUMNS, "capture"])
      .where("run_id", "=", id)
      .executeTakeFirst();
    if (!row) return undefined;
    const details = await loadRunDetails(this.db, [id]);
    return runRowToRun(row, details.get(id) ?? emptyRunDetails(), row.capture);
  }

  async getInfo(id: string): Promise<RunInfo | undefined> {
    const row = await this.db
      .selectFrom("runs")
      .select(INFO_COLUMNS)
      .where("run_id", "=", id)
      .executeTakeFirst();
    return row && runRowToRunInfo(row);
  }

  async children(parentId: string): Promise<Run[]> {
    const rows = await this.db
      .selectFrom("runs")
      .select(INFO_COLUMNS)
      .where("parent_id", "=", parentId)
      .orderBy("start_time")
      .orderBy("run_id")
      .execute();
    return this.withDetails(rows);
  }

  async search(query: RunSearch): Promise<Run[]> {
    const page = await runSearchQuery(this.db, this.dialect, query).execute();
    const ids = page.map((r) => r.run_id);
    const byId = new Map<string, RunInfoRow>();
    for (const part of chunks(ids)) {
      if (part.length === 0) continue;
      const rows = await this.db
        .selectFrom("runs")
        .select(INFO_COLUMNS)
        .where("run_id", "in", part)
        .execute();
      for (const row of rows) byId.set(row.run_id, row);
    }
    const ordered = ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [row] : [];
    });
    return this.withDetails(ordered);
  }

  private async withDetails(rows: RunInfoRow[]): Promise<Run[]> {
    const details = await loadRunDetails(
      this.db,
      rows.map((r) => r.run_id),
    );
    return rows.map((row) => runRowToRun(row, details.get(row.run_id) ?? emptyRunDetails()));
  }
}
