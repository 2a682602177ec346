import type BetterSqlite3 from "better-sqlite3";
import type { MetricPoint } from "../../domain/metric.js";
import { type EncodedBlock, encodePoints } from "./metric-block-codec.js";
import { groupByKey, latestOf, latestRow, MERGE_BELOW, planBlocks } from "./metric-write-plan.js";

/**
 * Appends metric points to SQLite as columnar blocks, synchronously, inside
 * the caller's better-sqlite3 transaction.
 *
 * Compaction (see metric-write-plan.ts): while the newest block of a
 * (run, key) holds fewer than 256 points, new points are merged into it in
 * place (up to 4096); otherwise they start a new block. Frequent small
 * flushes therefore still produce blocks of 256+ points, and no write copies
 * more than ~256 old points per key.
 *
 * The newest block is looked up per key per call (one primary-key probe)
 * instead of being cached, so a second process writing the same database
 * never makes two blocks share a `seq`; the caller's transaction (SQLite
 * allows one writer at a time) keeps the read-then-write atomic.
 */
export class SqliteMetricWriter {
  private statements: Statements | undefined;

  /** Statements are prepared on the first write, so the writer may exist before the schema. */
  constructor(private readonly db: BetterSqlite3.Database) {}

  /** Call inside a transaction: the newest-block lookup and the write must not interleave. */
  write(runId: string, points: MetricPoint[]): void {
    for (const [key, list] of groupByKey(points)) {
      this.appendBlocks(runId, key, list);
      this.prepared().upsertLatest.run(latestRow(runId, latestOf(list)));
    }
  }

  private prepared(): Statements {
    this.statements ??= prepareStatements(this.db);
    return this.statements;
  }

  private appendBlocks(runId: string, key: string, points: MetricPoint[]): void {
    const st = this.prepared();
    const newest = st.newestBlock.get(runId, key);
    const plan = planBlocks(newest?.count, points.length);
    let seq = newest ? newest.seq : -1;
    if (newest && plan.merge > 0) {
      if (!newest.steps || !newest.vals || !newest.times) {
        throw new Error(`metric block ${runId}/${key}/${seq} came back without its columns`);
      }
      const stored = {
        count: newest.count,
        steps: newest.steps,
        vals: newest.vals,
        times: newest.times,
      };
      st.updateBlock.run(blockParams(runId, key, seq, encodePoints(points, 0, plan.merge, stored)));
    }
    for (const [start, end] of plan.chunks) {
      seq += 1;
      st.insertBlock.run(blockParams(runId, key, seq, encodePoints(points, start, end)));
    }
  }
}

interface Statements {
  newestBlock: BetterSqlite3.Statement<[string, string], NewestBlock>;
  insertBlock: BetterSqlite3.Statement<BlockParams>;
  updateBlock: BetterSqlite3.Statement<BlockParams>;
  upsertLatest: BetterSqlite3.Statement<LatestParams>;
}

function prepareStatements(db: BetterSqlite3.Database): Statements {
  return {
    // The columns are read (overflow pages and all) only when the block may be merged into.
    newestBlock: db.prepare(
      `select seq, count,
         case when count < ${MERGE_BELOW} then steps end as steps,
         case when count < ${MERGE_BELOW} then vals end as vals,
         case when count < ${MERGE_BELOW} then times end as times
       from metric_blocks where run_id = ? and key = ?
       order by seq desc limit 1`,
    ),
    insertBlock: db.prepare(
      `insert into metric_blocks (run_id, key, seq, count, step_min, step_max, steps, vals, times)
       values (@run_id, @key, @seq, @count, @step_min, @step_max, @steps, @vals, @times)`,
    ),
    updateBlock: db.prepare(
      `update metric_blocks set count = @count, step_min = @step_min, step_max = @step_max,
         steps = @steps, vals = @vals, times = @times
       where run_id = @run_id and key = @key and seq = @seq`,
    ),
    upsertLatest: db.prepare(
      `insert into latest_metrics (run_id, key, value, is_nan, step, timestamp)
       values (@run_id, @key, @value, @is_nan, @step, @timestamp)
       on conflict (run_id, key) do update set
         value = excluded.value, is_nan = excluded.is_nan,
         step = excluded.step, timestamp = excluded.timestamp
       where excluded.step > latest_metrics.step
          or (excluded.step = latest_metrics.step
              and excluded.timestamp >= latest_metrics.timestamp)`,
    ),
  };
}

interface NewestBlock {
  seq: number;
  count: number;
  steps: Buffer | null;
  vals: Buffer | null;
  times: Buffer | null;
}

interface BlockParams {
  run_id: string;
  key: string;
  seq: number;
  count: number;
  step_min: number;
  step_max: number;
  steps: Buffer;
  vals: Buffer;
  times: Buffer;
}

type LatestParams = ReturnType<typeof latestRow>;

function blockParams(runId: string, key: string, seq: number, block: EncodedBlock): BlockParams {
  return {
    run_id: runId,
    key,
    seq,
    count: block.count,
    step_min: block.stepMin,
    step_max: block.stepMax,
    steps: block.steps,
    vals: block.vals,
    times: block.times,
  };
}
