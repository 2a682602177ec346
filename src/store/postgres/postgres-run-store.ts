import type { Kysely } from "kysely";
import { NotFoundError } from "../../domain/errors.js";
import type { LifecycleStage } from "../../domain/experiment.js";
import type { Run, RunCapture, RunInfo, RunIo } from "../../domain/run.js";
import type { Database } from "../database.js";
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
import { writeMetricsPostgres } from "../metrics/postgres-metric-writer.js";
import { translatePostgres } from "./postgres-errors.js";
import { insertParams, upsertTags } from "./postgres-run-writes.js";

export class PostgresRunStore implements RunStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly reads: KyselyRunReads,
  ) {}

  async create(input: NewRun): Promise<Run> {
    await this.db.transaction().execute(async (trx) => {
      const experimentId = parseExperimentId(input.experimentId);
      const experiment =
        experimentId === undefined
          ? undefined
          : await trx
              .selectFrom("experiments")
              .select("experiment_id")
              .where("experiment_id", "=", experimentId)
              .executeTakeFirst();
      if (experimentId === undefined || !experiment) {
        throw new NotFoundError(`experiment ${input.experimentId} not found`);
      }
      if (input.parentId !== null && !(await runExists(trx, input.parentId))) {
        throw new NotFoundError(`parent run ${input.parentId} not found`);
      }
      await translatePostgres(
        () =>
          trx
            .insertInto("runs")
            .values({
              run_id: input.id,
              experiment_id: experimentId,
              name: input.name,
              user_id: input.userId,
              status: input.status,
              kind: input.kind,
              parent_id: input.parentId,
              start_time: input.startTime,
              end_time: null,
              lifecycle_stage: "active",
              deleted_time: null,
              artifact_uri: input.artifactUri,
              capture: null,
            })
            .execute(),
        { conflict: `run ${input.id} already exists` },
      );
      await upsertTags(trx, input.id, input.tags);
      await insertParams(trx, input.id, input.params);
    });
    return newRunToRun(input);
  }

  get(id: string): Promise<Run | undefined> {
    return this.reads.get(id);
  }

  getInfo(id: string): Promise<RunInfo | undefined> {
    return this.reads.getInfo(id);
  }

  async update(id: string, patch: RunPatch): Promise<void> {
    const set: { status?: string; name?: string; end_time?: number | null } = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.endTime !== undefined) set.end_time = patch.endTime;
    if (Object.keys(set).length === 0) {
      if (!(await runExists(this.db, id))) throw missingRun(id);
      return;
    }
    const result = await this.db
      .updateTable("runs")
      .set(set)
      .where("run_id", "=", id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw missingRun(id);
  }

  async setLifecycle(id: string, stage: LifecycleStage, deletedAt: number): Promise<void> {
    const result = await this.db
      .updateTable("runs")
      .set({ lifecycle_stage: stage, deleted_time: stage === "deleted" ? deletedAt : null })
      .where("run_id", "=", id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw missingRun(id);
  }

  async logBatch(batch: RunBatch): Promise<RunBatchResult> {
    const { runId } = batch;
    return this.db.transaction().execute(async (trx): Promise<RunBatchResult> => {
      if (!(await runExists(trx, runId))) throw missingRun(runId);
      if (batch.idempotencyKey !== undefined) {
        // ON CONFLICT waits for a concurrent batch with the same key to commit,
        // so a retry racing the original is still reported as a duplicate.
        const inserted = await trx
          .insertInto("ingest_keys")
          .values({ run_id: runId, idempotency_key: batch.idempotencyKey, created_at: Date.now() })
          .onConflict((oc) => oc.doNothing())
          .returning("run_id")
          .executeTakeFirst();
        if (!inserted) return { duplicate: true };
      }
      const keys = Object.keys(batch.params);
      if (keys.length > 0) {
        // Insert first, then compare: a concurrent writer of the same key is
        // either committed (and compared) or waited for by ON CONFLICT.
        await insertParams(trx, runId, batch.params);
        const stored = await trx
          .selectFrom("run_params")
          .select(["key", "value"])
          .where("run_id", "=", runId)
          .where("key", "in", keys)
          .execute();
        const conflict = findParamConflict(runId, stored, batch.params);
        if (conflict) throw conflict;
      }
      await upsertTags(trx, runId, batch.tags);
      if (batch.metrics.length > 0) await writeMetricsPostgres(trx, runId, batch.metrics);
      return { duplicate: false };
    });
  }

  async deleteTag(id: string, key: string): Promise<void> {
    if (!(await runExists(this.db, id))) throw missingRun(id);
    await this.db.deleteFrom("run_tags").where("run_id", "=", id).where("key", "=", key).execute();
  }

  search(query: RunSearch): Promise<Run[]> {
    return this.reads.search(query);
  }

  children(parentId: string): Promise<Run[]> {
    return this.reads.children(parentId);
  }

  async setCapture(id: string, capture: RunCapture): Promise<void> {
    const result = await this.db
      .updateTable("runs")
      .set({ capture: JSON.stringify(capture) })
      .where("run_id", "=", id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw missingRun(id);
  }

  async addIo(id: string, direction: "input" | "output", io: RunIo[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await runExists(trx, id))) throw missingRun(id);
      if (io.length === 0) return;
      await trx
        .insertInto("run_io")
        .values(
          io.map((e) => ({
            run_id: id,
            direction,
            kind: e.kind,
            name: e.name,
            version: e.version,
            digest: e.digest,
            context: e.context,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    });
  }
}

async function runExists(db: Kysely<Database>, id: string): Promise<boolean> {
  const row = await db
    .selectFrom("runs")
    .select("run_id")
    .where("run_id", "=", id)
    .executeTakeFirst();
  return row !== undefined;
}

function missingRun(id: string): NotFoundError {
  return new NotFoundError(`run ${id} not found`);
}
