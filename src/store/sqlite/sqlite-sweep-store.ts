import type BetterSqlite3 from "better-sqlite3";
import { NotFoundError } from "../../domain/errors.js";
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
import type { SweepTable, SweepTrialTable } from "../sweep-tables.js";
import { translateSqlite } from "./sqlite-errors.js";

type Sqlite = BetterSqlite3.Database;

/** Reads go through Kysely; every write is one synchronous, immediate transaction. */
export class SqliteSweepStore implements SweepStore {
  constructor(
    private readonly db: Sqlite,
    private readonly reads: KyselySweepReads,
  ) {}

  private tx<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  private sweepRow(id: string): SweepRecord {
    const row = this.db.prepare("select * from sweeps where sweep_id = ?").get(id) as
      | SweepTable
      | undefined;
    if (!row) throw new NotFoundError(`sweep ${JSON.stringify(id)} not found`);
    return sweepRowToRecord(row);
  }

  private snapshot(sweepId: string): TrialRecord[] {
    const rows = this.db
      .prepare("select * from sweep_trials where sweep_id = ? order by trial_index, attempt")
      .all(sweepId) as SweepTrialTable[];
    return rows.map(trialRowToRecord);
  }

  private insertTrial(t: TrialRecord): void {
    const row = trialRecordToRow(t);
    const columns = Object.keys(row);
    this.db
      .prepare(
        `insert into sweep_trials (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")})`,
      )
      .run(...Object.values(row));
  }

  private updateTrial(t: TrialRecord): void {
    const columns = trialUpdateColumns(t);
    this.db
      .prepare(
        `update sweep_trials set ${Object.keys(columns)
          .map((c) => `${c} = ?`)
          .join(", ")} where sweep_id = ? and trial_index = ? and attempt = ?`,
      )
      .run(...Object.values(columns), t.sweepId, t.index, t.attempt);
  }

  /** Returns expired leases to the queue; the snapshot after it. */
  private expireNow(
    sweepId: string,
    now: number,
  ): { expired: TrialRecord[]; trials: TrialRecord[] } {
    const trials = this.snapshot(sweepId);
    const plan = planExpiry(trials, now);
    for (const t of plan.expired) this.updateTrial(t);
    for (const t of plan.requeued) this.insertTrial(t);
    return { expired: plan.expired, trials: afterExpiry(trials, plan) };
  }

  async create(input: NewSweep): Promise<SweepRecord> {
    translateSqlite(
      () =>
        this.db
          .prepare(
            `insert into sweeps (sweep_id, spec, max_trials, max_parallel, lease_ms, next_index, created_at)
             values (?, ?, ?, ?, ?, 0, ?)`,
          )
          .run(input.id, input.spec, input.maxTrials, input.maxParallel, input.leaseMs, input.now),
      {
        conflict: `sweep ${input.id} already exists`,
        missing: `run ${JSON.stringify(input.id)} not found`,
      },
    );
    return this.sweepRow(input.id);
  }

  get(id: string) {
    return this.reads.get(id);
  }

  trials(sweepId: string) {
    return this.reads.trials(sweepId);
  }

  async lease(request: LeaseRequest): Promise<{ expired: TrialRecord[]; outcome: LeaseOutcome }> {
    return this.tx(() => {
      const sweep = this.sweepRow(request.sweepId);
      const { expired, trials } = this.expireNow(request.sweepId, request.now);
      const plan = planLease(sweep, trials, request);
      if (plan.kind === "take") this.updateTrial(plan.trial);
      if (plan.kind === "new") {
        this.insertTrial(plan.trial);
        this.db
          .prepare("update sweeps set next_index = ? where sweep_id = ?")
          .run(plan.trial.index + 1, sweep.id);
      }
      const outcome: LeaseOutcome =
        plan.kind === "take" || plan.kind === "new" ? { kind: "leased", trial: plan.trial } : plan;
      return { expired, outcome };
    });
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

  async renew(key: TrialKey & { now: number; leaseMs: number; runId?: string }) {
    return this.tx(() => {
      this.sweepRow(key.sweepId);
      const { expired, trials } = this.expireNow(key.sweepId, key.now);
      const current = this.held(trials, key);
      if (!current) return { expired, trial: undefined };
      const trial = {
        ...current,
        leaseExpiresAt: key.now + key.leaseMs,
        runId: key.runId ?? current.runId,
      };
      this.updateTrial(trial);
      return { expired, trial };
    });
  }

  async end(input: TrialEnd) {
    return this.tx(() => {
      this.sweepRow(input.sweepId);
      const { expired, trials } = this.expireNow(input.sweepId, input.now);
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
      this.updateTrial(trial);
      if (input.requeue) this.insertTrial(nextAttempt(trial, input.now));
      return { expired, trial };
    });
  }

  async expire(sweepId: string, now: number): Promise<TrialRecord[]> {
    return this.tx(() => {
      this.sweepRow(sweepId);
      return this.expireNow(sweepId, now).expired;
    });
  }

  async markFinished(sweepId: string, now: number): Promise<void> {
    this.db
      .prepare("update sweeps set finished_at = ? where sweep_id = ? and finished_at is null")
      .run(now, sweepId);
  }

  async recordRung(input: {
    sweepId: string;
    index: number;
    attempt: number;
    rung: number;
    value: number;
  }): Promise<number[]> {
    return this.tx(() => {
      this.db
        .prepare(
          `insert into sweep_rungs (sweep_id, rung, trial_index, attempt, value) values (?, ?, ?, ?, ?)
           on conflict do nothing`,
        )
        .run(
          input.sweepId,
          input.rung,
          input.index,
          input.attempt,
          Number.isNaN(input.value) ? null : input.value,
        );
      const rows = this.db
        .prepare("select value from sweep_rungs where sweep_id = ? and rung = ?")
        .all(input.sweepId, input.rung) as { value: number | null }[];
      return rows.map((r) => (r.value === null ? Number.NaN : r.value));
    });
  }

  rungsRecorded(sweepId: string, index: number, attempt: number) {
    return this.reads.rungsRecorded(sweepId, index, attempt);
  }
}
