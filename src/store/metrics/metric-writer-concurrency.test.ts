import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import {
  type MetricHarness,
  openPostgresHarness,
  openSqliteHarness,
} from "../../../test/support/metric-store-harness.js";
import { createTestDatabase, postgresAvailable } from "../../../test/support/postgres.js";
import type { MetricPoint } from "../../domain/metric.js";
import { SqliteMetricWriter } from "./sqlite-metric-writer.js";

const pgUp = await postgresAvailable();

function batch(writer: number, n: number, size: number, key: string): MetricPoint[] {
  return Array.from({ length: size }, (_, i) => {
    const id = writer * 1_000_000 + n * 1000 + i;
    return { key, value: id, step: id, timestamp: 0 };
  });
}

async function seqs(h: MetricHarness, runId: string, key: string): Promise<number[]> {
  const rows = await h.db
    .selectFrom("metric_blocks")
    .select("seq")
    .where("run_id", "=", runId)
    .where("key", "=", key)
    .orderBy("seq")
    .execute();
  return rows.map((r) => Number(r.seq));
}

describe("sqlite metric writer", () => {
  it("never reuses a seq when another connection wrote the same key", async () => {
    const h = await openSqliteHarness();
    const other = new BetterSqlite3(h.file);
    try {
      const run = await h.newRun();
      const writer = new SqliteMetricWriter(other);
      const writeOther = other.transaction((points: MetricPoint[]) => writer.write(run, points));
      const expected: number[] = [];
      for (let n = 0; n < 30; n++) {
        // Sizes straddle the merge threshold so both merges and new blocks interleave.
        const mine = batch(1, n, n % 3 === 0 ? 300 : 40, "loss");
        const theirs = batch(2, n, n % 4 === 0 ? 500 : 25, "loss");
        await h.write(run, mine);
        writeOther(theirs);
        expected.push(...mine.map((p) => p.value), ...theirs.map((p) => p.value));
      }
      const history = await h.store.history({ runId: run, key: "loss", offset: 0, limit: 1e6 });
      expect(history.map((p) => p.value)).toEqual(expected.sort((a, b) => a - b));
      const all = await seqs(h, run, "loss");
      expect(all).toEqual(all.map((_, i) => i));
    } finally {
      other.close();
      await h.close();
    }
  });

  it("fails the caller's transaction, writing nothing, for an unknown run", async () => {
    const h = await openSqliteHarness();
    try {
      await expect(h.write("missing", batch(0, 0, 3, "x"))).rejects.toThrow(/FOREIGN KEY/);
      const rows = await h.db.selectFrom("metric_blocks").select("seq").execute();
      expect(rows).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe.skipIf(!pgUp)("postgres metric writer", () => {
  it("loses no points when concurrent transactions write the same keys", async () => {
    const h = await openPostgresHarness(await createTestDatabase(), 8);
    try {
      const run = await h.newRun();
      const writers = 8;
      const batches = 15;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let n = 0; n < batches; n++) {
            // Opposite key orders in one batch must not deadlock against each other.
            const keys = w % 2 === 0 ? ["a", "b"] : ["b", "a"];
            const size = (w + n) % 5 === 0 ? 300 : 20;
            await h.write(run, [
              ...batch(w, n, size, keys[0] ?? ""),
              ...batch(w, n, 7, keys[1] ?? ""),
            ]);
          }
        }),
      );
      for (const key of ["a", "b"]) {
        const expected: number[] = [];
        for (let w = 0; w < writers; w++) {
          for (let n = 0; n < batches; n++) {
            const size = key === (w % 2 === 0 ? "a" : "b") ? ((w + n) % 5 === 0 ? 300 : 20) : 7;
            expected.push(...batch(w, n, size, key).map((p) => p.value));
          }
        }
        expected.sort((x, y) => x - y);
        expect(await h.store.count(run, key)).toBe(expected.length);
        const history = await h.store.history({ runId: run, key, offset: 0, limit: 1e6 });
        expect(history.map((p) => p.value)).toEqual(expected);
        const all = await seqs(h, run, key);
        expect(all).toEqual(all.map((_, i) => i));
        const [latest] = (await h.store.latest(run)).filter((m) => m.key === key);
        expect(latest?.step).toBe(expected.at(-1));
      }
    } finally {
      await h.close();
    }
  });
});
