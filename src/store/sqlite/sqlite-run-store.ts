import type BetterSqlite3 from "better-sqlite3";
import { NotFoundError } from "../../domain/errors.js";
import type { LifecycleStage } from "../../domain/experiment.js";
import type { Run, RunCapture, RunInfo, RunIo } from "../../domain/run.js";
import { parseExperimentId } from "../kysely/experiment-row-mapper.js";
import { findParamConflict } from "../kysely/param-conflict.js";
import type { KyselyRunReads } from "../kysely/run-reads.js";
import { newRunToRun } from "../kysely/run-row-mapper.js";
import type {
  NewRun,
  RunBatch,
  RunBatchResult,
  RunPatch,
  RunSearch,
  RunStore,
} from "../metadata-store.js";
import { SqliteMetricWriter } from "../metrics/sqlite-metric-writer.js";
import { translateSqlite } from "./sqlite-errors.js";

type Statements = ReturnType<typeof prepare>;

function prepare(db: BetterSqlite3.Database) {
  return {
    runExists: db.prepare("select 1 from runs where run_id = ?").pluck(),
    experimentExists: db.prepare("select 1 from experiments where experiment_id = ?").pluck(),
    insertRun: db.prepare(
      `insert into runs (run_id, experiment_id, name, user_id, status, kind, parent_id, start_time,
         end_time, lifecycle_stage, deleted_time, artifact_uri, capture)
       values (@id, @experimentId, @name, @userId, @status, @kind, @parentId, @startTime,
         null, 'active', null, @artifactUri, null)`,
    ),
    update: db.prepare(
      `update runs set status = coalesce(@status, status), name = coalesce(@name, name),
         end_time = case when @setEnd = 1 then @endTime else end_time end
       where run_id = @id`,
    ),
    setStage: db.prepare("update runs set lifecycle_stage = ?, deleted_time = ? where run_id = ?"),
    setCapture: db.prepare("update runs set capture = ? where run_id = ?"),
    upsertTag: db.prepare(
      `insert into run_tags (run_id, key, value) values (?, ?, ?)
       on conflict (run_id, key) do update set value = excluded.value`,
    ),
    deleteTag: db.prepare("delete from run_tags where run_id = ? and key = ?"),
    insertParam: db.prepare(
      "insert into run_params (run_id, key, value) values (?, ?, ?) on conflict do nothing",
    ),
    params: db.prepare("select key, value from run_params where run_id = ?"),
    ingestKeyExists: db
      .prepare("select 1 from ingest_keys where run_id = ? and idempotency_key = ?")
      .pluck(),
    insertIngestKey: db.prepare(
      "insert into ingest_keys (run_id, idempotency_key, created_at) values (?, ?, ?)",
    ),
    insertIo: db.prepare(
      `insert into run_io (run_id, direction, kind, name, version, digest, context)
       values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
    ),
  };
}

/** Reads go through Kysely; every write is a synchronous prepared statement. */
export class SqliteRunStore implements RunStore {
  private readonly s: Statements;
  private readonly metricWriter: SqliteMetricWriter;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly reads: KyselyRunReads,
  ) {
    this.s = prepare(db);
    this.metricWriter = new SqliteMetricWriter(db);
  }

  async create(input: NewRun): Promise<Run> {
    this.db
      .transaction(() => {
        const experimentId = parseExperimentId(input.experimentId);
        if (experimentId === undefined || !this.s.experimentExists.get(experimentId)) {
          throw new NotFoundError(`experiment ${input.experimentId} not found`);
        }
        if (input.parentId !== null && !this.s.runExists.get(input.parentId)) {
          throw new NotFoundError(`parent run ${input.parentId} not found`);
        }
        translateSqlite(
          () =>
            this.s.insertRun.run({
              id: input.id,
              experimentId,
              name: input.name,
              userId: input.userId,
              status: input.status,
              kind: input.kind,
              parentId: input.parentId,
              startTime: input.startTime,
              artifactUri: input.artifactUri,
            }),
          {
            conflict: `run ${input.id} already exists`,
          },
        );
        for (const [key, value] of Object.entries(input.tags)) {
          this.s.upsertTag.run(input.id, key, value);
        }
        for (const [key, value] of Object.entries(input.params)) {
          this.s.insertParam.run(input.id, key, value);
        }
      })
      .immediate();
    return newRunToRun(input);
  }

  get(id: string): Promise<Run | undefined> {
    return this.reads.get(id);
  }

  getInfo(id: string): Promise<RunInfo | undefined> {
    return this.reads.getInfo(id);
  }

  async update(id: string, patch: RunPatch): Promise<void> {
    const info = this.s.update.run({
      id,
      status: patch.status ?? null,
      name: patch.name ?? null,
      setEnd: patch.endTime === undefined ? 0 : 1,
      endTime: patch.endTime ?? null,
    });
    if (info.changes === 0) throw missingRun(id);
  }

  async setLifecycle(id: string, stage: LifecycleStage, deletedAt: number): Promise<void> {
    const deletedTime = stage === "deleted" ? deletedAt : null;
    if (this.s.setStage.run(stage, deletedTime, id).changes === 0) throw missingRun(id);
  }

  async logBatch(batch: RunBatch): Promise<RunBatchResult> {
    const { runId } = batch;
    return this.db
      .transaction((): RunBatchResult => {
        if (!this.s.runExists.get(runId)) throw missingRun(runId);
        const key = batch.idempotencyKey;
        if (key !== undefined) {
          if (this.s.ingestKeyExists.get(runId, key)) return { duplicate: true };
          this.s.insertIngestKey.run(runId, key, Date.now());
        }
        if (Object.keys(batch.params).length > 0) {
          const existing = this.s.params.all(runId) as { key: string; value: string }[];
          const conflict = findParamConflict(runId, existing, batch.params);
          // Throwing inside the transaction rolls back the ingest key too.
          if (conflict) throw conflict;
        }
        for (const [k, v] of Object.entries(batch.params)) this.s.insertParam.run(runId, k, v);
        for (const [k, v] of Object.entries(batch.tags)) this.s.upsertTag.run(runId, k, v);
        if (batch.metrics.length > 0) this.metricWriter.write(runId, batch.metrics);
        return { duplicate: false };
      })
      .immediate();
  }

  async deleteTag(id: string, key: string): Promise<void> {
    this.db
      .transaction(() => {
        if (!this.s.runExists.get(id)) throw missingRun(id);
        this.s.deleteTag.run(id, key);
      })
      .immediate();
  }

  search(query: RunSearch): Promise<Run[]> {
    return this.reads.search(query);
  }

  children(parentId: string): Promise<Run[]> {
    return this.reads.children(parentId);
  }

  async setCapture(id: string, capture: RunCapture): Promise<void> {
    if (this.s.setCapture.run(JSON.stringify(capture), id).changes === 0) throw missingRun(id);
  }

  async addIo(id: string, direction: "input" | "output", io: RunIo[]): Promise<void> {
    this.db
      .transaction(() => {
        if (!this.s.runExists.get(id)) throw missingRun(id);
        for (const e of io) {
          this.s.insertIo.run(id, direction, e.kind, e.name, e.version, e.digest, e.context);
        }
      })
      .immediate();
  }
}

function missingRun(id: string): NotFoundError {
  return new NotFoundError(`run ${id} not found`);
}
