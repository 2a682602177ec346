import { type Kysely, sql } from "kysely";
import type { MetricPoint } from "../../domain/metric.js";
import type { Database } from "../database.js";
import { encodePoints } from "./metric-block-codec.js";
import { groupByKey, latestOf, latestRow, planBlocks } from "./metric-write-plan.js";

/**
 * Appends metric points to PostgreSQL as columnar blocks inside the caller's
 * transaction, in four statements whatever the number of keys.
 *
 * Compaction (see metric-write-plan.ts): while the newest block of a
 * (run, key) holds fewer than 256 points, new points are appended to it in
 * place with `bytea ||` (up to 4096); otherwise they start a new block.
 *
 * Concurrency: the latest_metrics upsert runs first and locks each key's
 * row until commit (ON CONFLICT DO UPDATE locks the row even when its WHERE
 * rejects the update; a concurrent first insert waits on the unique index).
 * Keys are locked in sorted order so two batches cannot deadlock. A second
 * writer of the same (run, key) therefore waits, and — under READ COMMITTED,
 * the default — its next statement sees the first writer's blocks, so seqs
 * never collide and merges never lose points. Under REPEATABLE READ or
 * SERIALIZABLE the second writer fails with a serialization error instead.
 */
export async function writeMetricsPostgres(
  trx: Kysely<Database>,
  runId: string,
  points: MetricPoint[],
): Promise<void> {
  if (points.length === 0) return;
  const byKey = groupByKey(points);
  const keys = [...byKey.keys()].sort();

  const latest = keys.map((key) => latestRow(runId, latestOf(byKey.get(key) ?? [])));
  for (const rows of chunked(latest, 8000, () => 1)) {
    await trx
      .insertInto("latest_metrics")
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(["run_id", "key"])
          .doUpdateSet((eb) => ({
            value: eb.ref("excluded.value"),
            is_nan: eb.ref("excluded.is_nan"),
            step: eb.ref("excluded.step"),
            timestamp: eb.ref("excluded.timestamp"),
          }))
          .where((eb) =>
            eb.or([
              eb("excluded.step", ">", eb.ref("latest_metrics.step")),
              eb.and([
                eb("excluded.step", "=", eb.ref("latest_metrics.step")),
                eb("excluded.timestamp", ">=", eb.ref("latest_metrics.timestamp")),
              ]),
            ]),
          ),
      )
      .execute();
  }

  const newest = await sql<{ key: string; seq: number; count: number }>`
    select k.key, b.seq, b.count
    from unnest(${keys}::text[]) as k(key)
    cross join lateral (
      select m.seq, m.count from metric_blocks m
      where m.run_id = ${runId} and m.key = k.key
      order by m.seq desc limit 1
    ) b`.execute(trx);
  const newestByKey = new Map(newest.rows.map((r) => [r.key, r]));

  const merges: MergeRow[] = [];
  const inserts: Array<Database["metric_blocks"]> = [];
  for (const key of keys) {
    const keyPoints = byKey.get(key) ?? [];
    const last = newestByKey.get(key);
    const plan = planBlocks(last === undefined ? undefined : Number(last.count), keyPoints.length);
    let seq = last === undefined ? -1 : Number(last.seq);
    if (plan.merge > 0) merges.push({ key, seq, ...encodePoints(keyPoints, 0, plan.merge) });
    for (const [start, end] of plan.chunks) {
      seq += 1;
      const block = encodePoints(keyPoints, start, end);
      inserts.push({
        run_id: runId,
        key,
        seq,
        count: block.count,
        step_min: block.stepMin,
        step_max: block.stepMax,
        steps: block.steps,
        vals: block.vals,
        times: block.times,
      });
    }
  }

  for (const rows of chunked(merges, 4000, (m) => m.count)) {
    const values = rows.map(
      (m) =>
        sql`(${m.key}, ${m.seq}::integer, ${m.count}::integer, ${m.stepMin}::bigint,
             ${m.stepMax}::bigint, ${m.steps}::bytea, ${m.vals}::bytea, ${m.times}::bytea)`,
    );
    await sql`
      update metric_blocks as b set
        count = b.count + v.n,
        step_min = least(b.step_min, v.smin),
        step_max = greatest(b.step_max, v.smax),
        steps = b.steps || v.steps,
        vals = b.vals || v.vals,
        times = b.times || v.times
      from (values ${sql.join(values)}) as v(key, seq, n, smin, smax, steps, vals, times)
      where b.run_id = ${runId} and b.key = v.key and b.seq = v.seq`.execute(trx);
  }
  for (const rows of chunked(inserts, 5000, (b) => b.count)) {
    await trx.insertInto("metric_blocks").values(rows).execute();
  }
}

interface MergeRow {
  key: string;
  seq: number;
  count: number;
  stepMin: number;
  stepMax: number;
  steps: Buffer;
  vals: Buffer;
  times: Buffer;
}

/** Keeps each statement under PostgreSQL's 65,535 parameters and a few MB of bytea. */
const POINTS_PER_STATEMENT = 100_000;

function* chunked<T>(items: T[], maxRows: number, points: (item: T) => number): Generator<T[]> {
  let start = 0;
  let weight = 0;
  for (let i = 0; i < items.length; i++) {
    weight += points(items[i] as T);
    if (i + 1 - start >= maxRows || weight >= POINTS_PER_STATEMENT) {
      yield items.slice(start, i + 1);
      start = i + 1;
      weight = 0;
    }
  }
  if (start < items.length) yield items.slice(start);
}
