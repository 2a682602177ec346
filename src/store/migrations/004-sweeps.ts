import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "./migrations.js";

/**
 * Sweeps: one row per sweep (its id is its parent run's), one per trial
 * attempt (an expired lease ends an attempt and queues the next with the same
 * params and seed), and the early-stopping values recorded at each rung.
 */
export function sweepsSchema(dialect: Dialect): Migration {
  const float = dialect === "postgres" ? sql`double precision` : sql`real`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("sweeps")
        .addColumn("sweep_id", "text", (c) =>
          c.primaryKey().references("runs.run_id").onDelete("cascade"),
        )
        .addColumn("spec", "text", (c) => c.notNull())
        .addColumn("max_trials", "bigint", (c) => c.notNull())
        .addColumn("max_parallel", "bigint", (c) => c.notNull())
        .addColumn("lease_ms", "bigint", (c) => c.notNull())
        .addColumn("next_index", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("finished_at", "bigint")
        .execute();

      await db.schema
        .createTable("sweep_trials")
        .addColumn("sweep_id", "text", (c) =>
          c.notNull().references("sweeps.sweep_id").onDelete("cascade"),
        )
        .addColumn("trial_index", "bigint", (c) => c.notNull())
        .addColumn("attempt", "bigint", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("params", "text", (c) => c.notNull())
        .addColumn("seed", "bigint", (c) => c.notNull())
        .addColumn("run_id", "text")
        .addColumn("lease_owner", "text")
        .addColumn("lease_expires_at", "bigint")
        .addColumn("objective", float)
        .addColumn("reason", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("started_at", "bigint")
        .addColumn("ended_at", "bigint")
        .addPrimaryKeyConstraint("sweep_trials_pk", ["sweep_id", "trial_index", "attempt"])
        .execute();
      await db.schema.createIndex("sweep_trials_run").on("sweep_trials").column("run_id").execute();

      await db.schema
        .createTable("sweep_rungs")
        .addColumn("sweep_id", "text", (c) =>
          c.notNull().references("sweeps.sweep_id").onDelete("cascade"),
        )
        .addColumn("rung", "bigint", (c) => c.notNull())
        .addColumn("trial_index", "bigint", (c) => c.notNull())
        .addColumn("attempt", "bigint", (c) => c.notNull())
        .addColumn("value", float)
        .addPrimaryKeyConstraint("sweep_rungs_pk", ["sweep_id", "rung", "trial_index", "attempt"])
        .execute();
    },
  };
}
