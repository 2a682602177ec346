import type { Kysely } from "kysely";
import type { RunIo } from "../../domain/run.js";
import type { Database } from "../database.js";
import { emptyRunDetails, latestMetricValue, type RunDetails } from "./run-row-mapper.js";

/** Below both SQLite's (32,766) and PostgreSQL's (65,535) bound-parameter limits. */
const CHUNK = 5000;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Params, tags, latest metrics and inputs/outputs of many runs with one query
 * per table (per chunk of ids), never one query per run.
 */
export async function loadRunDetails(
  db: Kysely<Database>,
  runIds: readonly string[],
): Promise<Map<string, RunDetails>> {
  const details = new Map<string, RunDetails>();
  for (const id of runIds) details.set(id, emptyRunDetails());
  const of = (id: string) => details.get(id) as RunDetails;
  for (const ids of chunks(runIds)) {
    if (ids.length === 0) continue;
    const [params, tags, metrics, io] = await Promise.all([
      db
        .selectFrom("run_params")
        .select(["run_id", "key", "value"])
        .where("run_id", "in", ids)
        .execute(),
      db
        .selectFrom("run_tags")
        .select(["run_id", "key", "value"])
        .where("run_id", "in", ids)
        .execute(),
      db
        .selectFrom("latest_metrics")
        .select(["run_id", "key", "value", "is_nan"])
        .where("run_id", "in", ids)
        .execute(),
      db
        .selectFrom("run_io")
        .selectAll()
        .where("run_id", "in", ids)
        .orderBy("run_id")
        .orderBy("kind")
        .orderBy("name")
        .orderBy("version")
        .orderBy("context")
        .orderBy("digest")
        .execute(),
    ]);
    for (const p of params) of(p.run_id).params[p.key] = p.value;
    for (const t of tags) of(t.run_id).tags[t.key] = t.value;
    for (const m of metrics) of(m.run_id).metrics[m.key] = latestMetricValue(m.value, m.is_nan);
    for (const row of io) {
      const entry: RunIo = {
        kind: row.kind as RunIo["kind"],
        name: row.name,
        version: row.version,
        digest: row.digest,
        context: row.context,
      };
      const d = of(row.run_id);
      (row.direction === "output" ? d.outputs : d.inputs).push(entry);
    }
  }
  return details;
}
