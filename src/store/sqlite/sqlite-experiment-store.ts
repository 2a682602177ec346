import type BetterSqlite3 from "better-sqlite3";
import { NotFoundError } from "../../domain/errors.js";
import type { Experiment, LifecycleStage } from "../../domain/experiment.js";
import type { KyselyExperimentReads } from "../kysely/experiment-reads.js";
import { newExperiment, parseExperimentId } from "../kysely/experiment-row-mapper.js";
import type { ExperimentSearch, ExperimentStore, NewExperiment } from "../metadata-store.js";
import { translateSqlite } from "./sqlite-errors.js";

/** Reads go through Kysely; every write is a synchronous prepared statement. */
export class SqliteExperimentStore implements ExperimentStore {
  private readonly insert: BetterSqlite3.Statement;
  private readonly upsertTag: BetterSqlite3.Statement;
  private readonly removeTag: BetterSqlite3.Statement;
  private readonly touch: BetterSqlite3.Statement;
  private readonly setName: BetterSqlite3.Statement;
  private readonly setStage: BetterSqlite3.Statement;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly reads: KyselyExperimentReads,
  ) {
    this.insert = db.prepare(
      `insert into experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
       values (?, ?, 'active', ?, ?)`,
    );
    this.upsertTag = db.prepare(
      `insert into experiment_tags (experiment_id, key, value) values (?, ?, ?)
       on conflict (experiment_id, key) do update set value = excluded.value`,
    );
    this.removeTag = db.prepare("delete from experiment_tags where experiment_id = ? and key = ?");
    this.touch = db.prepare("update experiments set last_update_time = ? where experiment_id = ?");
    this.setName = db.prepare(
      "update experiments set name = ?, last_update_time = ? where experiment_id = ?",
    );
    this.setStage = db.prepare(
      "update experiments set lifecycle_stage = ?, last_update_time = ? where experiment_id = ?",
    );
  }

  async create(input: NewExperiment): Promise<Experiment> {
    const tags = { ...input.tags };
    const artifactLocation = input.artifactLocation ?? "";
    const id = this.db
      .transaction(() => {
        const info = translateSqlite(
          () => this.insert.run(input.name, artifactLocation, input.now, input.now),
          { conflict: `experiment "${input.name}" already exists` },
        );
        for (const [key, value] of Object.entries(tags)) {
          this.upsertTag.run(info.lastInsertRowid, key, value);
        }
        return Number(info.lastInsertRowid);
      })
      .immediate();
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
    const numeric = this.existing(id);
    const info = translateSqlite(() => this.setName.run(name, now, numeric), {
      conflict: `experiment "${name}" already exists`,
    });
    if (info.changes === 0) throw missing(id);
  }

  async setLifecycle(id: string, stage: LifecycleStage, now: number): Promise<void> {
    const info = this.setStage.run(stage, now, this.existing(id));
    if (info.changes === 0) throw missing(id);
  }

  async setTag(id: string, key: string, value: string, now: number): Promise<void> {
    const numeric = this.existing(id);
    this.db
      .transaction(() => {
        if (this.touch.run(now, numeric).changes === 0) throw missing(id);
        this.upsertTag.run(numeric, key, value);
      })
      .immediate();
  }

  async deleteTag(id: string, key: string, now: number): Promise<void> {
    const numeric = this.existing(id);
    this.db
      .transaction(() => {
        if (this.touch.run(now, numeric).changes === 0) throw missing(id);
        this.removeTag.run(numeric, key);
      })
      .immediate();
  }

  private existing(id: string): number {
    const numeric = parseExperimentId(id);
    if (numeric === undefined) throw missing(id);
    return numeric;
  }
}

function missing(id: string): NotFoundError {
  return new NotFoundError(`experiment ${id} not found`);
}
