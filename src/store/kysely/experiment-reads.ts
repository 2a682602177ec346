import type { Kysely } from "kysely";
import type { Experiment } from "../../domain/experiment.js";
import type { Database } from "../database.js";
import type { ExperimentSearch } from "../metadata-store.js";
import {
  type ExperimentRow,
  experimentRowToExperiment,
  parseExperimentId,
} from "./experiment-row-mapper.js";
import { experimentSearchQuery } from "./experiment-search-query.js";
import { chunks } from "./run-details-query.js";

/** The read side of ExperimentStore; both adapters read through Kysely. */
export class KyselyExperimentReads {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: "sqlite" | "postgres",
  ) {}

  async get(id: string): Promise<Experiment | undefined> {
    const numeric = parseExperimentId(id);
    if (numeric === undefined) return undefined;
    const row = await this.db
      .selectFrom("experiments")
      .selectAll()
      .where("experiment_id", "=", numeric)
      .executeTakeFirst();
    return row && (await this.withTags([row]))[0];
  }

  async getByName(name: string): Promise<Experiment | undefined> {
    const row = await this.db
      .selectFrom("experiments")
      .selectAll()
      .where("name", "=", name)
      .executeTakeFirst();
    return row && (await this.withTags([row]))[0];
  }

  async search(query: ExperimentSearch): Promise<Experiment[]> {
    const page = await experimentSearchQuery(this.db, this.dialect, query).execute();
    const ids = page.map((r) => r.experiment_id);
    const byId = new Map<number, ExperimentRow>();
    for (const part of chunks(ids)) {
      if (part.length === 0) continue;
      const rows = await this.db
        .selectFrom("experiments")
        .selectAll()
        .where("experiment_id", "in", part)
        .execute();
      for (const row of rows) byId.set(row.experiment_id, row);
    }
    return this.withTags(ids.flatMap((id) => byId.get(id) ?? []));
  }

  private async withTags(rows: ExperimentRow[]): Promise<Experiment[]> {
    const tags = new Map<number, Record<string, string>>();
    for (const row of rows) tags.set(row.experiment_id, {});
    for (const part of chunks(rows.map((r) => r.experiment_id))) {
      if (part.length === 0) continue;
      const tagRows = await this.db
        .selectFrom("experiment_tags")
        .selectAll()
        .where("experiment_id", "in", part)
        .execute();
      for (const t of tagRows) {
        const of = tags.get(t.experiment_id);
        if (of) of[t.key] = t.value;
      }
    }
    return rows.map((row) => experimentRowToExperiment(row, tags.get(row.experiment_id) ?? {}));
  }
}
