import type { Kysely } from "kysely";
import { NotFoundError } from "../../domain/errors.js";
import type { Experiment, LifecycleStage } from "../../domain/experiment.js";
import type { Database } from "../database.js";
import type { KyselyExperimentReads } from "../kysely/experiment-reads.js";
import { newExperiment, parseExperimentId } from "../kysely/experiment-row-mapper.js";
import type { ExperimentSearch, ExperimentStore, NewExperiment } from "../metadata-store.js";
import { translatePostgres } from "./postgres-errors.js";

export class PostgresExperimentStore implements ExperimentStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly reads: KyselyExperimentReads,
  ) {}

  async create(input: NewExperiment): Promise<Experiment> {
    const tags = { ...input.tags };
    const artifactLocation = input.artifactLocation ?? "";
    const id = await translatePostgres(
      () =>
        this.db.transaction().execute(async (trx) => {
          const row = await trx
            .insertInto("experiments")
            .values({
              name: input.name,
              artifact_location: artifactLocation,
              lifecycle_stage: "active",
              creation_time: input.now,
              last_update_time: input.now,
            })
            .returning("experiment_id")
            .executeTakeFirstOrThrow();
          const entries = Object.entries(tags);
          if (entries.length > 0) {
            await trx
              .insertInto("experiment_tags")
              .values(
                entries.map(([key, value]) => ({ experiment_id: row.experiment_id, key, value })),
              )
              .execute();
          }
          return row.experiment_id;
        }),
      { conflict: `experiment "${input.name}" already exists` },
    );
    return newExperiment(id, { ...input, artifactLocation, tags });
  }

  get(id: string): Promise<Experiment | undefined> {
    return this.reads.get(id);
  }

  getByName(name: string): Promise<Experiment | undefined> {
    return this.reads.getByName(name);
  }

  search(query: ExperimentSearch): Promise<Experiment[]> {
    return this.reads.search(query);
  }

  async rename(id: string, name: string, now: number): Promise<void> {
    const numeric = existing(id);
    const result = await translatePostgres(
      () =>
        this.db
          .updateTable("experiments")
          .set({ name, last_update_time: now })
          .where("experiment_id", "=", numeric)
          .executeTakeFirst(),
      { conflict: `experiment "${name}" already exists` },
    );
    if (result.numUpdatedRows === 0n) throw missing(id);
  }

  async setLifecycle(id: string, stage: LifecycleStage, now: number): Promise<void> {
    const result = await this.db
      .updateTable("experiments")
      .set({ lifecycle_stage: stage, last_update_time: now })
      .where("experiment_id", "=", existing(id))
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw missing(id);
  }

  async setTag(id: string, key: string, value: string, now: number): Promise<void> {
    const numeric = existing(id);
    await this.db.transaction().execute(async (trx) => {
      await touch(trx, id, numeric, now);
      await trx
        .insertInto("experiment_tags")
        .values({ experiment_id: numeric, key, value })
        .onConflict((oc) => oc.columns(["experiment_id", "key"]).doUpdateSet({ value }))
        .execute();
    });
  }

  async deleteTag(id: string, key: string, now: number): Promise<void> {
    const numeric = existing(id);
    await this.db.transaction().execute(async (trx) => {
      await touch(trx, id, numeric, now);
      await trx
        .deleteFrom("experiment_tags")
        .where("experiment_id", "=", numeric)
        .where("key", "=", key)
        .execute();
    });
  }
}

async function touch(db: Kysely<Database>, id: string, numeric: number, now: number) {
  const result = await db
    .updateTable("experiments")
    .set({ last_update_time: now })
    .where("experiment_id", "=", numeric)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw missing(id);
}

function existing(id: string): number {
  const numeric = parseExperimentId(id);
  if (numeric === undefined) throw missing(id);
  return numeric;
}

function missing(id: string): NotFoundError {
  return new NotFoundError(`experiment ${id} not found`);
}
