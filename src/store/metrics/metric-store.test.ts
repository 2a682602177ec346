import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MetricHarness,
  openPostgresHarness,
  openSqliteHarness,
  seededRandom,
} from "../../../test/support/metric-store-harness.js";
import { createTestDatabase, postgresAvailable } from "../../../test/support/postgres.js";
import type { HistoryPoint, MetricPoint } from "../../domain/metric.js";
import { BLOCK_CAP, MERGE_BELOW } from "./metric-write-plan.js";

const pgUp = await postgresAvailable();
const dialects: Array<[string, () => Promise<MetricHarness>, boolean]> = [
  ["sqlite", openSqliteHarness, true],
  ["postgres", async () => openPostgresHarness(await createTestDatabase()), pgUp],
];

/** The reference: history order is step, then timestamp, then logging order. */
function model(logged: MetricPoint[], key: string, start = -Infinity, end = Infinity) {
  return logged
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.key === key && p.step >= start && p.step <= end)
    .sort((a, b) => a.p.step - b.p.step || a.p.timestamp - b.p.timestamp || a.i - b.i)
    .map(({ p }): HistoryPoint => ({ value: p.value, step: p.step, timestamp: p.timestamp }));
}

async function blockSizes(h: MetricHarness, runId: string, key: string): Promise<number[]> {
  const rows = await h.db
    .selectFrom("metric_blocks")
    .select(["seq", "count"])
    .where("run_id", "=", runId)
    .where("key", "=", key)
    .orderBy("seq")
    .execute();
  expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i));
  return rows.map((r) => Number(r.count));
}

for (const [name, open, available] of dialects) {
  describe.skipIf(!available)(`${name} metric store`, () => {
    let h: MetricHarness;
    beforeAll(async () => {
      h = await open();
    });
    afterAll(async () => {
      await h?.close();
    });

    it("keeps the latest value by step, then timestamp, then logging order", async () => {
      const run = await h.newRun();
      const at = (key: string, value: number, step: number, timestamp: number) => ({
        key,
        value,
        step,
        timestamp,
      });
      await h.write(run, [at("a", 1, 5, 10), at("b", 1, 0, 0), at("b", 2, 0, 0)]);
      await h.write(run, [at("a", 2, 3, 100), at("a", 3, 5, 9)]);
      expect(await h.store.latest(run)).toEqual([at("a", 1, 5, 10), at("b", 2, 0, 0)]);
      await h.write(run, [at("a", 4, 5, 10)]);
      await h.write(run, [at("b", Number.POSITIVE_INFINITY, 1, 0)]);
      expect(await h.store.latest(run)).toEqual([
        at("a", 4, 5, 10),
        at("b", Number.POSITIVE_INFINITY, 1, 0),
      ]);
      await h.write(run, [at("a", Number.NaN, 6, 0)]);
      const [a] = await h.store.latest(run);
      expect(a).toEqual(at("a", Number.NaN, 6, 0));
      const row = await h.db
        .selectFrom("latest_metrics")
        .select(["value", "is_nan"])
        .where("run_id", "=", run)
        .where("key", "=", "a")
        .executeTakeFirstOrThrow();
      expect([row.value, Number(row.is_nan)]).toEqual([null, 1]);
      expect(await h.store.latest("no-such-run")).toEqual([]);
    });

    it("returns history in order, paged and by step range, across many blocks", async () => {
      const run = await h.newRun();
      const rnd = seededRandom(42);
      const logged: MetricPoint[] = [];
      const steps = { mono: 0, jumpy: 0 };
      for (let batch = 0; batch < 60; batch++) {
        const batchPoints: MetricPoint[] = [];
        for (let i = Math.floor(rnd() * 300); i >= 0; i--) {
          const key = rnd() < 0.5 ? "mono" : "jumpy";
          if (key === "mono") steps.mono += 1;
          else steps.jumpy = Math.max(0, steps.jumpy + Math.floor(rnd() * 7) - 3);
          const r = rnd();
          const value =
            r < 0.02 ? Number.NaN : r < 0.03 ? -0 : r < 0.04 ? -Infinity : (rnd() - 0.5) * 1e6;
          batchPoints.push({ key, value, step: steps[key], timestamp: Math.floor(rnd() * 3) });
        }
        await h.write(run, batchPoints);
        logged.push(...batchPoints);
      }
      for (const key of ["mono", "jumpy"]) {
        const all = model(logged, key);
        expect(await h.store.count(run, key)).toBe(all.length);
        const query = { runId: run, key, offset: 0, limit: 1_000_000 };
        expect(await h.store.history(query)).toEqual(all);
        const paged: HistoryPoint[] = [];
        for (let offset = 0; offset < all.length; offset += 97) {
          const page = await h.store.history({ ...query, offset, limit: 97 });
          expect(page.length).toBe(Math.min(98, all.length - offset));
          paged.push(...page.slice(0, 97));
        }
        expect(paged).toEqual(all);
        for (let i = 0; i < 6; i++) {
          const a = Math.floor(rnd() * (steps[key as "mono"] + 10)) - 5;
          const b = a + Math.floor(rnd() * 200);
          const want = model(logged, key, a, b);
          const got = await h.store.history({ ...query, startStep: a, endStep: b });
          expect(got).toEqual(want);
          const page = await h.store.history({ ...query, startStep: a, offset: 5, limit: 20 });
          expect(page).toEqual(model(logged, key, a).slice(5, 26));
        }
      }
      expect(await h.store.history({ runId: run, key: "nope", offset: 0, limit: 10 })).toEqual([]);
      expect(await h.store.count(run, "nope")).toBe(0);
    });

    it("orders a step shared by two blocks by timestamp, even when paging", async () => {
      const run = await h.newRun();
      const first = Array.from({ length: 300 }, (_, i) => ({
        key: "k",
        value: i,
        step: i + 1,
        timestamp: 10,
      }));
      const second = [
        { key: "k", value: -1, step: 300, timestamp: 5 },
        { key: "k", value: -2, step: 301, timestamp: 0 },
      ];
      await h.write(run, first);
      await h.write(run, second);
      expect(await blockSizes(h, run, "k")).toEqual([300, 2]);
      const all = model([...first, ...second], "k");
      const query = { runId: run, key: "k", offset: 0, limit: 1000 };
      expect(await h.store.history(query)).toEqual(all);
      expect(await h.store.history({ ...query, offset: 298, limit: 2 })).toEqual(
        all.slice(298, 301),
      );
      expect(await h.store.history({ ...query, startStep: 300, endStep: 300 })).toEqual([
        { value: -1, step: 300, timestamp: 5 },
        { value: 299, step: 300, timestamp: 10 },
      ]);
    });

    it("compacts small flushes into blocks without changing the order", async () => {
      const run = await h.newRun();
      const logged: MetricPoint[] = [];
      for (let flush = 0; flush < 100; flush++) {
        const points = Array.from({ length: 10 }, (_, i) => ({
          key: "loss",
          value: flush * 10 + i,
          step: 1000 - (flush * 10 + i),
          timestamp: flush,
        }));
        await h.write(run, points);
        logged.push(...points);
      }
      const small = await blockSizes(h, run, "loss");
      expect(small.length).toBeLessThanOrEqual(Math.ceil(1000 / MERGE_BELOW));
      for (const size of small.slice(0, -1)) expect(size).toBeGreaterThanOrEqual(MERGE_BELOW);
      const big = Array.from({ length: 10_000 }, (_, i) => ({
        key: "loss",
        value: -i,
        step: i % 1500,
        timestamp: 7,
      }));
      await h.write(run, big);
      logged.push(...big);
      const sizes = await blockSizes(h, run, "loss");
      expect(Math.max(...sizes)).toBe(BLOCK_CAP);
      expect(sizes.reduce((a, b) => a + b)).toBe(11_000);
      const history = await h.store.history({ runId: run, key: "loss", offset: 0, limit: 20_000 });
      expect(history).toEqual(model(logged, "loss"));
    });

    it("downsamples a 1,000,000-point metric within budget, keeping spikes and NaN", async () => {
      const run = await h.newRun();
      const n = 1_000_000;
      const special = new Map([
        [123_457, -1e9],
        [654_321, 1e9],
        [777_777, Number.NaN],
      ]);
      for (let start = 0; start < n; start += 100_000) {
        const batch = Array.from({ length: 100_000 }, (_, k) => {
          const i = start + k;
          return {
            key: "acc",
            value: special.get(i) ?? Math.sin(i / 5000),
            step: i,
            timestamp: 1e12 + i,
          };
        });
        await h.write(run, batch);
      }
      const t0 = performance.now();
      const points = await h.store.downsample({ runId: run, key: "acc", maxPoints: 1000 });
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(3000); // loose: shared CI cores; the bench measures it properly
      expect(points.length).toBeLessThanOrEqual(1000);
      expect(points.length).toBeGreaterThan(500);
      for (const [step, value] of special)
        expect(points).toContainEqual(expect.objectContaining({ step, value }));
      expect(points[0]?.step).toBe(0);
      expect(points.at(-1)?.step).toBe(n - 1);
      for (let i = 1; i < points.length; i++) {
        expect((points[i] as HistoryPoint).step).toBeGreaterThan(
          (points[i - 1] as HistoryPoint).step,
        );
      }
      const tiny = await h.store.downsample({ runId: run, key: "acc", maxPoints: 3 });
      expect(tiny.length).toBeLessThanOrEqual(3);
      expect(tiny).toContainEqual(expect.objectContaining({ value: 1e9 }));
      const ranged = await h.store.downsample({
        runId: run,
        key: "acc",
        maxPoints: 400,
        startStep: 600_000,
        endStep: 700_000,
      });
      expect(ranged.length).toBeLessThanOrEqual(400);
      expect(ranged.every((p) => p.step >= 600_000 && p.step <= 700_000)).toBe(true);
      expect(ranged).toContainEqual(expect.objectContaining({ step: 654_321, value: 1e9 }));
      expect(ranged).not.toContainEqual(expect.objectContaining({ step: 777_777 }));
    });

    it("returns every point when they fit, and buckets by time when steps are all equal", async () => {
      const run = await h.newRun();
      const points = Array.from({ length: 2000 }, (_, i) => ({
        key: "m",
        value: i === 1234 ? 99 : i % 7,
        step: 0,
        timestamp: 5000 - i,
      }));
      await h.write(run, points);
      const all = await h.store.downsample({ runId: run, key: "m", maxPoints: 2000 });
      expect(all).toEqual(model(points, "m"));
      const few = await h.store.downsample({ runId: run, key: "m", maxPoints: 200 });
      expect(few.length).toBeGreaterThan(100);
      expect(few.length).toBeLessThanOrEqual(200);
      expect(few).toContainEqual({ value: 99, step: 0, timestamp: 5000 - 1234 });
      expect(few.map((p) => p.timestamp)).toEqual(
        few.map((p) => p.timestamp).sort((a, b) => a - b),
      );
      expect(await h.store.downsample({ runId: run, key: "none", maxPoints: 10 })).toEqual([]);
    });

    it("rejects points for a run that does not exist and ignores empty batches", async () => {
      const point = { key: "x", value: 1, step: 0, timestamp: 0 };
      await expect(h.write("ghost-run", [point])).rejects.toThrow();
      expect(await h.store.count("ghost-run", "x")).toBe(0);
      const run = await h.newRun();
      await h.write(run, []);
      expect(await h.store.latest(run)).toEqual([]);
    });
  });
}
