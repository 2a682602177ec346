import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "../domain/errors.js";
import { newRunId } from "../domain/ids.js";
import { newExperiment, newRun, type OpenStore, useStore } from "./store-contract-fixtures.js";

export function describeBatches(open: OpenStore): void {
  describe("run batches", () => {
    const store = useStore(open);

    async function freshRun(params: Record<string, string> = {}) {
      const e = await newExperiment(store());
      return newRun(store(), { experimentId: e.id, params });
    }

    it("writes params, tags and metrics, keeping the latest value per key", async () => {
      const run = await freshRun();
      const result = await store().runs.logBatch({
        runId: run.id,
        params: { lr: "0.01", layers: "3" },
        tags: { stage: "warmup" },
        metrics: [
          { key: "loss", value: 2.5, step: 0, timestamp: 10 },
          { key: "loss", value: 0.5, step: 2, timestamp: 30 },
          { key: "loss", value: 1.5, step: 1, timestamp: 40 },
          { key: "acc", value: 0.9, step: 0, timestamp: 10 },
        ],
      });
      expect(result).toEqual({ duplicate: false });
      await store().runs.logBatch({
        runId: run.id,
        params: {},
        tags: { stage: "main" },
        metrics: [{ key: "acc", value: 0.95, step: 1, timestamp: 20 }],
      });
      const got = await store().runs.get(run.id);
      expect(got?.params).toEqual({ lr: "0.01", layers: "3" });
      expect(got?.tags).toEqual({ stage: "main" });
      expect(got?.metrics).toEqual({ loss: 0.5, acc: 0.95 });
      expect(await store().metrics.count(run.id, "loss")).toBe(3);
    });

    it("keeps NaN and ±Infinity as latest values", async () => {
      const run = await freshRun();
      await store().runs.logBatch({
        runId: run.id,
        params: {},
        tags: {},
        metrics: [
          { key: "nan", value: 1, step: 0, timestamp: 1 },
          { key: "nan", value: Number.NaN, step: 1, timestamp: 2 },
          { key: "pinf", value: Number.POSITIVE_INFINITY, step: 0, timestamp: 1 },
          { key: "ninf", value: Number.NEGATIVE_INFINITY, step: 0, timestamp: 1 },
          { key: "zero", value: -0, step: 0, timestamp: 1 },
        ],
      });
      const metrics = (await store().runs.get(run.id))?.metrics ?? {};
      expect(metrics.nan).toBeNaN();
      expect(metrics.pinf).toBe(Number.POSITIVE_INFINITY);
      expect(metrics.ninf).toBe(Number.NEGATIVE_INFINITY);
      expect(Math.abs(metrics.zero ?? 1)).toBe(0);
      const latest = await store().metrics.latest(run.id);
      expect(latest.find((m) => m.key === "nan")).toMatchObject({ step: 1, timestamp: 2 });
    });

    it("accepts a param logged again with the same value", async () => {
      const run = await freshRun({ lr: "0.01" });
      await store().runs.logBatch({ runId: run.id, params: { lr: "0.01" }, tags: {}, metrics: [] });
      expect((await store().runs.get(run.id))?.params).toEqual({ lr: "0.01" });
    });

    it("refuses to change a param and then writes nothing of that batch", async () => {
      const run = await freshRun({ lr: "0.01" });
      const batch = store().runs.logBatch({
        runId: run.id,
        params: { lr: "0.02", momentum: "0.9" },
        tags: { t: "x" },
        metrics: [{ key: "loss", value: 1, step: 0, timestamp: 1 }],
        idempotencyKey: "k1",
      });
      await expect(batch).rejects.toThrow(ConflictError);
      await expect(batch).rejects.toThrow(
        `param "lr" of run ${run.id} is already "0.01"; cannot change it to "0.02"`,
      );
      const got = await store().runs.get(run.id);
      expect(got?.params).toEqual({ lr: "0.01" });
      expect(got?.tags).toEqual({});
      expect(got?.metrics).toEqual({});
      expect(await store().metrics.count(run.id, "loss")).toBe(0);
      // The failed batch's idempotency key was not kept: a corrected retry is applied.
      const retry = await store().runs.logBatch({
        runId: run.id,
        params: { momentum: "0.9" },
        tags: {},
        metrics: [],
        idempotencyKey: "k1",
      });
      expect(retry).toEqual({ duplicate: false });
      expect((await store().runs.get(run.id))?.params).toEqual({ lr: "0.01", momentum: "0.9" });
    });

    it("skips a batch whose idempotency key was seen for that run", async () => {
      const run = await freshRun();
      const other = await freshRun();
      const batch = {
        runId: run.id,
        params: { seed: "7" },
        tags: { t: "1" },
        metrics: [{ key: "loss", value: 1, step: 0, timestamp: 1 }],
        idempotencyKey: "req-1",
      };
      expect(await store().runs.logBatch(batch)).toEqual({ duplicate: false });
      const again = await store().runs.logBatch({
        ...batch,
        tags: { t: "2" },
        params: { seed: "8" },
        metrics: [{ key: "loss", value: 2, step: 1, timestamp: 2 }],
      });
      expect(again).toEqual({ duplicate: true });
      const got = await store().runs.get(run.id);
      expect(got?.tags).toEqual({ t: "1" });
      expect(got?.params).toEqual({ seed: "7" });
      expect(await store().metrics.count(run.id, "loss")).toBe(1);
      // Keys are per run.
      expect(await store().runs.logBatch({ ...batch, runId: other.id })).toEqual({
        duplicate: false,
      });
    });

    it("stores a batch once when two copies race", async () => {
      const run = await freshRun();
      const batch = {
        runId: run.id,
        params: { seed: "7" },
        tags: {},
        metrics: [{ key: "loss", value: 1, step: 0, timestamp: 1 }],
        idempotencyKey: "race",
      };
      const results = await Promise.all([
        store().runs.logBatch(batch),
        store().runs.logBatch(batch),
      ]);
      expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
      expect(await store().metrics.count(run.id, "loss")).toBe(1);
    });

    it("lets only one of two racing batches set a param", async () => {
      const run = await freshRun();
      const log = (value: string) =>
        store().runs.logBatch({ runId: run.id, params: { lr: value }, tags: {}, metrics: [] });
      const results = await Promise.allSettled([log("0.1"), log("0.2")]);
      const failed = results.filter((r) => r.status === "rejected");
      expect(failed).toHaveLength(1);
      expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
      const stored = (await store().runs.get(run.id))?.params.lr;
      expect(["0.1", "0.2"]).toContain(stored);
    });

    it("refuses a batch for an unknown run", async () => {
      const id = newRunId();
      const batch = store().runs.logBatch({
        runId: id,
        params: { a: "1" },
        tags: {},
        metrics: [{ key: "m", value: 1, step: 0, timestamp: 1 }],
        idempotencyKey: "k",
      });
      await expect(batch).rejects.toThrow(NotFoundError);
      await expect(batch).rejects.toThrow(`run ${id} not found`);
    });
  });
}
