import type { Kysely } from "kysely";
import type { Database } from "../database.js";

/** Params are write-once: an existing key keeps its value (the caller checks for conflicts). */
export async function insertParams(
  db: Kysely<Database>,
  runId: string,
  params: Record<string, string>,
): Promise<void> {
  const rows = Object.entries(params).map(([key, value]) => ({ run_id: runId, key, value }));
  if (rows.length === 0) return;
  await db
    .insertInto("run_params")
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function upsertTags(
  db: Kysely<Database>,
  runId: string,
  tags: Record<string, string>,
): Promise<void> {
  const rows = Object.entries(tags).map(([key, value]) => ({ run_id: runId, key, value }));
  if (rows.length === 0) return;
  await db
    .insertInto("run_tags")
    .values(rows)
    .onConflict((oc) =>
      oc.columns(["run_id", "key"]).doUpdateSet((eb) => ({ value: eb.ref("excluded.value") })),
    )
    .execute();
}
