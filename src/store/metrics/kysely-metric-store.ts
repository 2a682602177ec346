import type { Kysely } from "kysely";
import type { HistoryPoint, LatestMetric } from "../../domain/metric.js";
import type { Database, LatestMetricTable } from "../database.js";
import { chunks } from "../kysely/run-details-query.js";
import type { DownsampleQuery, HistoryQuery, MetricStore } from "../metadata-store.js";
import { type BlockCluster, type BlockMeta, clusterBlocks } from "./metric-block-clusters.js";
import { type BlockColumns, decodeBlock } from "./metric-block-codec.js";
import { downsampleBlocks, type StepRange } from "./metric-downsampler.js";
import { historyOrder, pointAt } from "./metric-point-order.js";

/** Above this many blocks a fetch asks for a seq range rather than a list. */
const MAX_SEQ_LIST = 500;

/**
 * Reads metric history from columnar blocks, for SQLite and PostgreSQL alike.
 * Numbers are passed through `Number()` because PostgreSQL bigints arrive as
 * strings unless the pool parses them.
 */
export class KyselyMetricStore implements MetricStore {
  constructor(private readonly db: Kysely<Database>) {}

  async latest(runId: string): Promise<LatestMetric[]> {
    const rows = await this.db
      .selectFrom("latest_metrics")
      .select(["key", "value", "is_nan", "step", "timestamp"])
      .where("run_id", "=", runId)
      .orderBy("key")
      .execute();
    return rows.map(latestRowToMetric);
  }

  async latestOfRuns(runIds: readonly string[]): Promise<Map<string, LatestMetric[]>> {
    const byRun = new Map<string, LatestMetric[]>(runIds.map((id) => [id, []]));
    for (const ids of chunks([...byRun.keys()])) {
      const rows = await this.db
        .selectFrom("latest_metrics")
        .select(["run_id", "key", "value", "is_nan", "step", "timestamp"])
        .where("run_id", "in", ids)
        .orderBy("run_id")
        .orderBy("key")
        .execute();
      for (const row of rows) byRun.get(row.run_id)?.push(latestRowToMetric(row));
    }
    return byRun;
  }

  async count(runId: string, key: string): Promise<number> {
    const row = await this.db
      .selectFrom("metric_blocks")
      .select((eb) => eb.fn.sum<number | string | null>("count").as("n"))
      .where("run_id", "=", runId)
      .where("key", "=", key)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Walks clusters of overlapping blocks in step order, skipping whole
   * clusters below `offset` from their counts alone, and fetches only the
   * blocks the page needs (usually in one query).
   */
  async history(query: HistoryQuery): Promise<HistoryPoint[]> {
    const range = rangeOf(query);
    const clusters = clusterBlocks(await this.blockMetas(query, range), range);
    const want = query.limit + 1;
    const out: HistoryPoint[] = [];
    let seen = 0;
    let i = 0;
    while (i < clusters.length && out.length < want) {
      const cluster = clusters[i] as BlockCluster;
      if (cluster.exact && seen + cluster.count <= query.offset) {
        seen += cluster.count;
        i++;
        continue;
      }
      const group: BlockCluster[] = [];
      let estimate = seen;
      while (i < clusters.length && estimate < query.offset + want) {
        const next = clusters[i] as BlockCluster;
        group.push(next);
        estimate += next.count;
        i++;
      }
      const blocks = await this.fetchBlocks(
        query,
        group.flatMap((c) => c.seqs),
      );
      for (const member of group) {
        const columns = gather(member.seqs.map((seq) => blockOf(blocks, seq)));
        const inRange: number[] = [];
        for (let k = 0; k < columns.steps.length; k++) {
          const s = columns.steps[k] as number;
          if (s >= range.start && s <= range.end) inRange.push(k);
        }
        if (seen + inRange.length <= query.offset) {
          seen += inRange.length;
          continue;
        }
        for (const k of historyOrder(columns, inRange)) {
          if (seen++ < query.offset) continue;
          out.push(pointAt(columns, k));
          if (out.length >= want) break;
        }
        if (out.length >= want) break;
      }
    }
    return out;
  }

  async downsample(query: DownsampleQuery): Promise<HistoryPoint[]> {
    const range = rangeOf(query);
    let q = this.db
      .selectFrom("metric_blocks")
      .select(["count", "step_min", "step_max", "steps", "vals", "times"])
      .where("run_id", "=", query.runId)
      .where("key", "=", query.key);
    if (query.startStep !== undefined) q = q.where("step_max", ">=", query.startStep);
    if (query.endStep !== undefined) q = q.where("step_min", "<=", query.endStep);
    const rows = await q.orderBy("seq").execute();
    const blocks = rows.map((row) => ({
      ...decodeBlock(row),
      stepMin: Number(row.step_min),
      stepMax: Number(row.step_max),
    }));
    return downsampleBlocks(blocks, query.maxPoints, range);
  }

  private async blockMetas(query: HistoryQuery, range: StepRange): Promise<BlockMeta[]> {
    let q = this.db
      .selectFrom("metric_blocks")
      .select(["seq", "count", "step_min", "step_max"])
      .where("run_id", "=", query.runId)
      .where("key", "=", query.key);
    if (query.startStep !== undefined) q = q.where("step_max", ">=", range.start);
    if (query.endStep !== undefined) q = q.where("step_min", "<=", range.end);
    const rows = await q.execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      count: Number(r.count),
      stepMin: Number(r.step_min),
      stepMax: Number(r.step_max),
    }));
  }

  private async fetchBlocks(
    query: HistoryQuery,
    seqs: number[],
  ): Promise<Map<number, BlockColumns>> {
    let q = this.db
      .selectFrom("metric_blocks")
      .select(["seq", "count", "steps", "vals", "times"])
      .where("run_id", "=", query.runId)
      .where("key", "=", query.key);
    if (seqs.length <= MAX_SEQ_LIST) {
      q = q.where("seq", "in", seqs);
    } else {
      const lo = seqs.reduce((a, b) => Math.min(a, b));
      const hi = seqs.reduce((a, b) => Math.max(a, b));
      q = q.where("seq", ">=", lo).where("seq", "<=", hi);
    }
    const wanted = new Set(seqs);
    const blocks = new Map<number, BlockColumns>();
    for (const row of await q.execute()) {
      const seq = Number(row.seq);
      if (wanted.has(seq)) blocks.set(seq, decodeBlock(row));
    }
    return blocks;
  }
}

function rangeOf(query: { startStep?: number; endStep?: number }): StepRange {
  return {
    start: query.startStep ?? Number.NEGATIVE_INFINITY,
    end: query.endStep ?? Number.POSITIVE_INFINITY,
  };
}

function blockOf(blocks: Map<number, BlockColumns>, seq: number): BlockColumns {
  const block = blocks.get(seq);
  // A concurrent writer only ever adds blocks or grows the newest one in place.
  if (!block) throw new Error(`metric block ${seq} disappeared while reading`);
  return block;
}

/** One cluster's blocks, concatenated in logging order. */
function gather(blocks: BlockColumns[]): BlockColumns {
  if (blocks.length === 1) return blocks[0] as BlockColumns;
  let total = 0;
  for (const b of blocks) total += b.steps.length;
  const out: BlockColumns = {
    steps: new Float64Array(total),
    vals: new Float64Array(total),
    times: new Float64Array(total),
  };
  let at = 0;
  for (const b of blocks) {
    out.steps.set(b.steps, at);
    out.vals.set(b.vals, at);
    out.times.set(b.times, at);
    at += b.steps.length;
  }
  return out;
}

/** NaN is stored as a NULL value flagged `is_nan`; PostgreSQL bigints may arrive as strings. */
function latestRowToMetric(row: Omit<LatestMetricTable, "run_id">): LatestMetric {
  return {
    key: row.key,
    value: Number(row.is_nan) === 1 || row.value === null ? Number.NaN : Number(row.value),
    step: Number(row.step),
    timestamp: Number(row.timestamp),
  };
}
