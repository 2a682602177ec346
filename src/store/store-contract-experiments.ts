import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "../domain/errors.js";
import type { ExperimentSearch } from "./metadata-store.js";
import { newExperiment, type OpenStore, unique, useStore } from "./store-contract-fixtures.js";

export function describeExperiments(open: OpenStore): void {
  describe("experiments", () => {
    const store = useStore(open);

    it("creates an experiment and reads it back by id and by name", async () => {
      const name = unique("create");
      const created = await store().experiments.create({
        name,
        artifactLocation: "s3://bucket/x",
        tags: { team: "vision", "mlflow.note.content": "hi" },
        now: 1234,
      });
      expect(created).toEqual({
        id: expect.stringMatching(/^[1-9]\d*$/),
        name,
        artifactLocation: "s3://bucket/x",
        lifecycleStage: "active",
        tags: { team: "vision", "mlflow.note.content": "hi" },
        creationTime: 1234,
        lastUpdateTime: 1234,
      });
      expect(await store().experiments.get(created.id)).toEqual(created);
      expect(await store().experiments.getByName(name)).toEqual(created);
    });

    it("stores an empty artifact location when none is given", async () => {
      const created = await newExperiment(store());
      expect(created.artifactLocation).toBe("");
      expect((await store().experiments.get(created.id))?.artifactLocation).toBe("");
    });

    it("has the Default experiment with id 0", async () => {
      const def = await store().experiments.get("0");
      expect(def).toMatchObject({ id: "0", name: "Default", lifecycleStage: "active" });
    });

    it("returns undefined for unknown or malformed ids and names", async () => {
      expect(await store().experiments.get("987654321")).toBeUndefined();
      expect(await store().experiments.get("abc")).toBeUndefined();
      expect(await store().experiments.get("-1")).toBeUndefined();
      expect(await store().experiments.getByName(unique("nope"))).toBeUndefined();
    });

    it("refuses a taken name, also when the holder is deleted", async () => {
      const first = await newExperiment(store());
      const again = store().experiments.create({ name: first.name, now: 1 });
      await expect(again).rejects.toThrow(ConflictError);
      await expect(again).rejects.toThrow(`experiment "${first.name}" already exists`);
      await store().experiments.setLifecycle(first.id, "deleted", 2);
      await expect(store().experiments.create({ name: first.name, now: 3 })).rejects.toThrow(
        ConflictError,
      );
    });

    it("renames, refusing a taken name and an unknown id", async () => {
      const a = await newExperiment(store());
      const b = await newExperiment(store());
      const newName = unique("renamed");
      await store().experiments.rename(a.id, newName, 5000);
      expect(await store().experiments.get(a.id)).toMatchObject({
        name: newName,
        lastUpdateTime: 5000,
      });
      expect(await store().experiments.getByName(a.name)).toBeUndefined();
      await expect(store().experiments.rename(a.id, b.name, 6000)).rejects.toThrow(
        `experiment "${b.name}" already exists`,
      );
      await expect(store().experiments.rename("999999", unique("x"), 1)).rejects.toThrow(
        NotFoundError,
      );
    });

    it("deletes and restores", async () => {
      const e = await newExperiment(store());
      await store().experiments.setLifecycle(e.id, "deleted", 7000);
      expect(await store().experiments.get(e.id)).toMatchObject({
        lifecycleStage: "deleted",
        lastUpdateTime: 7000,
      });
      await store().experiments.setLifecycle(e.id, "active", 8000);
      expect((await store().experiments.get(e.id))?.lifecycleStage).toBe("active");
      await expect(store().experiments.setLifecycle("999999", "deleted", 1)).rejects.toThrow(
        "experiment 999999 not found",
      );
    });

    it("sets, overwrites and deletes tags", async () => {
      const e = await newExperiment(store(), { tags: { a: "1" } });
      await store().experiments.setTag(e.id, "a", "2", 100);
      await store().experiments.setTag(e.id, "b", "3", 200);
      expect(await store().experiments.get(e.id)).toMatchObject({
        tags: { a: "2", b: "3" },
        lastUpdateTime: 200,
      });
      await store().experiments.deleteTag(e.id, "a", 300);
      await store().experiments.deleteTag(e.id, "absent", 400);
      expect((await store().experiments.get(e.id))?.tags).toEqual({ b: "3" });
      await expect(store().experiments.setTag("999999", "k", "v", 1)).rejects.toThrow(
        NotFoundError,
      );
      await expect(store().experiments.deleteTag("nope", "k", 1)).rejects.toThrow(NotFoundError);
    });

    it("searches with filter, view type, order and paging", async () => {
      const prefix = unique("search");
      const names = ["c", "a", "d", "b"].map((s) => `${prefix}-${s}`);
      const created = [];
      for (const [i, name] of names.entries()) {
        created.push(
          await newExperiment(store(), { name, now: 1000 + i, tags: { idx: String(i) } }),
        );
      }
      await store().experiments.setLifecycle(created[2]?.id ?? "", "deleted", 5000);
      const base: ExperimentSearch = {
        viewType: "ACTIVE_ONLY",
        filter: [{ entity: "attribute", key: "name", op: "LIKE", value: `${prefix}-%` }],
        orderBy: [{ entity: "attribute", key: "name", direction: "ASC" }],
        offset: 0,
        limit: 10,
      };
      const search = async (q: Partial<ExperimentSearch>) =>
        (await store().experiments.search({ ...base, ...q })).map((e) => e.name.slice(-1));

      expect(await search({})).toEqual(["a", "b", "c"]);
      expect(await search({ viewType: "ALL" })).toEqual(["a", "b", "c", "d"]);
      expect(await search({ viewType: "DELETED_ONLY" })).toEqual(["d"]);
      // limit + 1 rows so the caller can tell a next page exists.
      expect(await search({ limit: 1 })).toEqual(["a", "b"]);
      expect(await search({ offset: 2, limit: 1 })).toEqual(["c"]);
      // Default order: newest first.
      expect(await search({ orderBy: [] })).toEqual(["b", "a", "c"]);
      const like = (value: string) => [
        { entity: "attribute" as const, key: "name", op: "LIKE" as const, value },
      ];
      expect(await search({ filter: like(`${prefix.toUpperCase()}-%`) })).toEqual([]);
      expect(
        await search({
          filter: [
            { entity: "attribute", key: "name", op: "ILIKE", value: `${prefix.toUpperCase()}-%` },
          ],
        }),
      ).toEqual(["a", "b", "c"]);
      expect(
        await search({
          filter: [...base.filter, { entity: "tag", key: "idx", op: "=", value: "0" }],
        }),
      ).toEqual(["c"]);
      expect(
        await search({
          filter: [
            ...base.filter,
            { entity: "attribute", key: "creation_time", op: ">=", value: 1001 },
          ],
        }),
      ).toEqual(["a", "b"]);
    });
  });
}
