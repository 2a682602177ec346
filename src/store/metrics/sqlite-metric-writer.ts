import type BetterSqlite3 from "better-sqlite3";
import type { MetricPoint } from "../../domain/metric.js";
import {
  type BlockColumns,
  columnsOf,
  concatColumns,
  decodeBlock,
  encodeColumns,
  sliceColumns,
} from "./metric-block-codec.js";
import { groupByKey, latestOf, latestRow, planBlocks } from "./metric-write-plan.js";

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
      this.appendBlocks(runId, key, columnsOf(list));
      this.prepared().upsertLatest.run(latestRow(runId, latestOf(list)));
    }
  }

  private prepared(): Statements {
    this.statements ??= prepareStatements(this.db);
    return this.statements;
  }

  private appendBlocks(runId: string, key: string, fresh: BlockColumns): void {
    const st = this.prepared();
    const newest = st.newestBlock.get(runId, key);
    const plan = planBlocks(newest?.count, fresh.steps.length);
    let seq = newest ? newest.seq : -1;
    if (newest && plan.merge > 0) {
      const stored = st.blockColumns.get(runId, key, newest.seq);
      if (!stored) throw new Error(`metric block ${runId}/${key}/${newest.seq} vanished`);
      const merged = concatColumns(decodeBlock(stored), sliceColumns(fresh, 0, plan.merge));
      st.updateBlock.run(blockParams(runId, key, seq, merged));
    }
    for (const [start, end] of plan.chunks) {
      seq += 1;
      st.insertBlock.run(blockParams(runId, key, seq, sliceColumns(fresh, start, end)));
    }
  }
}

interface Statements {
  newestBlock: BetterSqlite3.Statement<[string, string], NewestBlock>;
  blockColumns: BetterSqlite3.Statement<[string, string, number], StoredColumns>;
  insertBlock: BetterSqlite3.Statement<BlockParams>;
  updateBlock: BetterSqlite3.Statement<BlockParams>;
  upsertLatest: BetterSqlite3.Statement<LatestParams>;
}

function prepareStatements(db: BetterSqlite3.Database): Statements {
  return {
    newestBlock: db.prepare(
      `select seq, count from metric_blocks where run_id = ? and key = ?
       order by seq desc limit 1`,
    ),
    blockColumns: db.prepare(
      `select count, steps, vals, times from metric_blocks
       where run_id = ? and key = ? and seq = ?`,
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
}

interface StoredColumns {
  count: number;
  steps: Buffer;
  vals: Buffer;
  times: Buffer;
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

function blockParams(runId: string, key: string, seq: number, columns: BlockColumns): BlockParams {
  const block = encodeColumns(columns);
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
