import type { Kysely } from "kysely";
import type { Database } from "../database.js";
import type { SweepRecord, TrialRecord } from "../sweep-store.js";
import { sweepRowToRecord, trialRowToRecord } from "./sweep-row-mapper.js";

/** The sweep reads both adapters share. */
export class KyselySweepReads {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<SweepRecord | undefined> {
    const row = await this.db
      .selectFrom("sweeps")
      .selectAll()
      .where("sweep_id", "=", id)
      .executeTakeFirst();
    return row && sweepRowToRecord(row);
  }

  async trials(sweepId: string): Promise<TrialRecord[]> {
    const rows = await this.db
      .selectFrom("sweep_trials")
      .selectAll()
      .where("sweep_id", "=", sweepId)
      .orderBy("trial_index")
      .orderBy("attempt")
      .execute();
    return rows.map(trialRowToRecord);
  }

  async rungsRecorded(sweepId: string, index: number, attempt: number): Promise<number> {
    const row = await this.db
      .selectFrom("sweep_rungs")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("sweep_id", "=", sweepId)
      .where("trial_index", "=", index)
      .where("attempt", "=", attempt)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
