import type { Kysely, Transaction } from "kysely";
import { NotFoundError } from "../../domain/errors.js";
import type { Database } from "../database.js";
import type { KyselySweepReads } from "../kysely/sweep-reads.js";
import {
  sweepRowToRecord,
  trialRecordToRow,
  trialRowToRecord,
  trialUpdateColumns,
} from "../kysely/sweep-row-mapper.js";
import { afterExpiry, nextAttempt, planExpiry, planLease } from "../sweep-lease-plan.js";
import type {
  LeaseOutcome,
  LeaseRequest,
  NewSweep,
  SweepRecord,
  SweepStore,
  TrialEnd,
  TrialKey,
  TrialRecord,
} from "../sweep-store.js";
import { translatePostgres } from "./postgres-errors.js";

type Tx = Transaction<Database>;

/**
 * Every write is one transaction that first locks the sweep's row
 * (SELECT ... FOR NO KEY UPDATE), so the writes of one sweep are serialised: two
 * agents leasing at once get different trials, on any number of replicas.
 */
export class PostgresSweepStore implements SweepStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly reads: KyselySweepReads,
  ) {}

  private async lockSweep(tx: Tx, id: string): Promise<SweepRecord> {
    const row = await tx
      .selectFrom("sweeps")
      .selectAll()
      .where("sweep_id", "=", id)
      // NO KEY: rows that only reference the sweep (rungs) are not held up by it.
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`sweep ${JSON.stringify(id)} not found`);
    return sweepRowToRecord(row);
  }

  private async updateTrial(tx: Tx, t: TrialRecord): Promise<void> {
    await tx
      .updateTable("sweep_trials")
      .set(trialUpdateColumns(t))
      .where("sweep_id", "=", t.sweepId)
      .where("trial_index", "=", t.index)
      .where("attempt", "=", t.attempt)
      .execute();
  }

  private async expireNow(
    tx: Tx,
    sweepId: string,
    now: number,
  ): Promise<{ expired: TrialRecord[]; trials: TrialRecord[] }> {
    const rows = await tx
      .selectFrom("sweep_trials")
      .selectAll()
      .where("sweep_id", "=", sweepId)
      .orderBy("trial_index")
      .orderBy("attempt")
      .execute();
    const trials = rows.map(trialRowToRecord);
    const plan = planExpiry(trials, now);
    for (const t of plan.expired) await this.updateTrial(tx, t);
    if (plan.requeued.length > 0) {
      await tx.insertInto("sweep_trials").values(plan.requeued.map(trialRecordToRow)).execute();
    }
    return { expired: plan.expired, trials: afterExpiry(trials, plan) };
  }

  private held(trials: TrialRecord[], key: TrialKey): TrialRecord | undefined {
    return trials.find(
      (t) =>
        t.index === key.index &&
        t.attempt === key.attempt &&
        t.state === "running" &&
        t.leaseOwner === key.owner,
    );
  }

  async create(input: NewSweep): Promise<SweepRecord> {
    await translatePostgres(
      () =>
        this.db
          .insertInto("sweeps")
          .values({
            sweep_id: input.id,
            spec: input.spec,
            max_trials: input.maxTrials,
            max_parallel: input.maxParallel,
            lease_ms: input.leaseMs,
            next_index: 0,
            created_at: input.now,
            finished_at: null,
          })
          .execute(),
      {
        conflict: `sweep ${input.id} already exists`,
        missing: `run ${JSON.stringify(input.id)} not found`,
      },
    );
    return (await this.reads.get(input.id)) as SweepRecord;
  }

  get(id: string) {
    return this.reads.get(id);
  }

  trials(sweepId: string) {
    return this.reads.trials(sweepId);
  }

  lease(request: LeaseRequest): Promise<{ expired: TrialRecord[]; outcome: LeaseOutcome }> {
    return this.db.transaction().execute(async (tx) => {
      const sweep = await this.lockSweep(tx, request.sweepId);
      const { expired, trials } = await this.expireNow(tx, request.sweepId, request.now);
      const plan = planLease(sweep, trials, request);
      if (plan.kind === "take") await this.updateTrial(tx, plan.trial);
      if (plan.kind === "new") {
        await tx.insertInto("sweep_trials").values(trialRecordToRow(plan.trial)).execute();
        await tx
          .updateTable("sweeps")
          .set({ next_index: plan.trial.index + 1 })
          .where("sweep_id", "=", sweep.id)
          .execute();
      }
      const outcome: LeaseOutcome =
        plan.kind === "take" || plan.kind === "new" ? { kind: "leased", trial: plan.trial } : plan;
      return { expired, outcome };
    });
  }

  renew(key: TrialKey & { now: number; leaseMs: number; runId?: string }) {
    return this.db.transaction().execute(async (tx) => {
      await this.lockSweep(tx, key.sweepId);
      const { expired, trials } = await this.expireNow(tx, key.sweepId, key.now);
      const current = this.held(trials, key);
      if (!current) return { expired, trial: undefined };
      const trial = {
        ...current,
        leaseExpiresAt: key.now + key.leaseMs,
        runId: key.runId ?? current.runId,
      };
      await this.updateTrial(tx, trial);
      return { expired, trial };
    });
  }

  end(input: TrialEnd) {
    return this.db.transaction().execute(async (tx) => {
      await this.lockSweep(tx, input.sweepId);
      const { expired, trials } = await this.expireNow(tx, input.sweepId, input.now);
      const current = this.held(trials, input);
      if (!current) return { expired, trial: undefined };
      const trial: TrialRecord = {
        ...current,
        state: input.state,
        runId: current.runId ?? input.runId ?? null,
        objective: input.objective,
        reason: input.reason,
        leaseExpiresAt: null,
        endedAt: input.now,
      };
      await this.updateTrial(tx, trial);
      if (input.requeue) {
        await tx
          .insertInto("sweep_trials")
          .values(trialRecordToRow(nextAttempt(trial, input.now)))
          .execute();
      }
      return { expired, trial };
    });
  }

  expire(sweepId: string, now: number): Promise<TrialRecord[]> {
    return this.db.transaction().execute(async (tx) => {
      await this.lockSweep(tx, sweepId);
      return (await this.expireNow(tx, sweepId, now)).expired;
    });
  }

  async markFinished(sweepId: string, now: number): Promise<void> {
    await this.db
      .updateTable("sweeps")
      .set({ finished_at: now })
      .where("sweep_id", "=", sweepId)
      .where("finished_at", "is", null)
      .execute();
  }

  async recordRung(input: {
    sweepId: string;
    index: number;
    attempt: number;
    rung: number;
    value: number;
  }): Promise<number[]> {
    await this.db
      .insertInto("sweep_rungs")
      .values({
        sweep_id: input.sweepId,
        rung: input.rung,
        trial_index: input.index,
        attempt: input.attempt,
        value: Number.isNaN(input.value) ? null : input.value,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const rows = await this.db
      .selectFrom("sweep_rungs")
      .select("value")
      .where("sweep_id", "=", input.sweepId)
      .where("rung", "=", input.rung)
      .execute();
    return rows.map((r) => (r.value === null ? Number.NaN : Number(r.value)));
  }

  rungsRecorded(sweepId: string, index: number, attempt: number) {
    return this.reads.rungsRecorded(sweepId, index, attempt);
  }
}
