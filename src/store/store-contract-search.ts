import { describe, expect, it } from "vitest";
import type { RunSearch } from "./metadata-store.js";
import { newExperiment, newRun, type OpenStore, useStore } from "./store-contract-fixtures.js";

export function describeRunSearch(open: OpenStore): void {
  describe("run search", () => {
    const store = useStore(open);

    /** Five runs a..e in one experiment (e deleted), one run in another experiment. */
    async function seed() {
      const e = await newExperiment(store());
      const other = await newExperiment(store());
      const spec = [
        { name: "a", start: 10, acc: 0.7, lr: "0.01" },
        { name: "b", start: 30, acc: 0.9, lr: "0.1" },
        { name: "c", start: 20, acc: Number.NaN, lr: "0.01" },
        { name: "d", start: 40, acc: undefined, lr: "0.01" },
        { name: "e", start: 50, acc: 0.99, lr: "0.01" },
      ];
      const ids: Record<string, string> = {};
      for (const s of spec) {
        const run = await newRun(store(), {
          experimentId: e.id,
          name: s.name,
          startTime: s.start,
          params: { lr: s.lr },
          tags: { letter: s.name },
        });
        ids[s.name] = run.id;
        if (s.acc !== undefined) {
          await store().runs.logBatch({
            runId: run.id,
            params: {},
            tags: {},
            metrics: [{ key: "acc", value: s.acc, step: 0, timestamp: 1 }],
          });
        }
      }
      await store().runs.setLifecycle(ids.e ?? "", "deleted", 99);
      await newRun(store(), { experimentId: other.id, name: "x", startTime: 60 });
      const base: RunSearch = {
        experimentIds: [e.id],
        filter: [],
        viewType: "ACTIVE_ONLY",
        orderBy: [],
        offset: 0,
        limit: 100,
      };
      const search = async (q: Partial<RunSearch>) =>
        (await store().runs.search({ ...base, ...q })).map((r) => r.name);
      return { e, other, ids, search };
    }

    it("orders by start time, newest first, by default and honours the view type", async () => {
      const { search, e, other } = await seed();
      expect(await search({})).toEqual(["d", "b", "c", "a"]);
      expect(await search({ viewType: "DELETED_ONLY" })).toEqual(["e"]);
      expect(await search({ viewType: "ALL" })).toEqual(["e", "d", "b", "c", "a"]);
      expect(await search({ experimentIds: [e.id, other.id] })).toEqual(["x", "d", "b", "c", "a"]);
    });

    it("filters by metric, param and tag", async () => {
      const { search } = await seed();
      expect(
        await search({ filter: [{ entity: "metric", key: "acc", op: ">", value: 0.75 }] }),
      ).toEqual(["b"]);
      expect(
        await search({
          filter: [
            { entity: "param", key: "lr", op: "=", value: "0.01" },
            { entity: "tag", key: "letter", op: "!=", value: "a" },
          ],
        }),
      ).toEqual(["d", "c"]);
      expect(
        await search({ filter: [{ entity: "param", key: "missing", op: "!=", value: "z" }] }),
      ).toEqual([]);
    });

    it("orders by a metric with missing and NaN values last, and pages", async () => {
      const { search } = await seed();
      const orderBy = [{ entity: "metric" as const, key: "acc", direction: "DESC" as const }];
      const all = await search({ orderBy });
      expect(all.slice(0, 2)).toEqual(["b", "a"]);
      expect(all.slice(2).sort()).toEqual(["c", "d"]);
      // limit + 1 rows so the caller can tell a next page exists.
      expect(await search({ orderBy, limit: 1 })).toEqual(["b", "a"]);
      expect(await search({ orderBy, offset: 1, limit: 1 })).toEqual(["a", all[2]]);
      expect(await search({ orderBy, offset: 4, limit: 1 })).toEqual([]);
    });

    it("returns whole runs for the page: params, tags and latest metrics", async () => {
      const { ids, e } = await seed();
      const runs = await store().runs.search({
        experimentIds: [e.id],
        filter: [{ entity: "tag", key: "letter", op: "IN", value: ["a", "c"] }],
        viewType: "ACTIVE_ONLY",
        orderBy: [],
        offset: 0,
        limit: 10,
      });
      expect(runs.map((r) => r.id)).toEqual([ids.c, ids.a]);
      expect(runs[0]?.metrics.acc).toBeNaN();
      expect(runs[1]).toMatchObject({
        name: "a",
        params: { lr: "0.01" },
        tags: { letter: "a" },
        metrics: { acc: 0.7 },
        inputs: [],
        outputs: [],
      });
    });
  });
}
