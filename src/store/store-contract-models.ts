import { describe, expect, it } from "vitest";
import { BadRequestError, ConflictError, NotFoundError } from "../domain/errors.js";
import { newRunId } from "../domain/ids.js";
import type { MetadataStore } from "./metadata-store.js";
import type { NewModelVersion } from "./model-registry-store.js";
import {
  collect,
  newExperiment,
  newRun,
  type OpenStore,
  unique,
  useStore,
} from "./store-contract-fixtures.js";
import { describeModelSearch } from "./store-contract-model-registry-search.js";

export function describeModels(open: OpenStore): void {
  describe("model registry", () => {
    const store = useStore(open);

    async function modelWithRun(s: MetadataStore) {
      const e = await newExperiment(s);
      const run = await newRun(s, { experimentId: e.id });
      const name = unique("model");
      await s.models.createModel({ name, description: "d", tags: { team: "vision" }, now: 1000 });
      return { name, runId: run.id };
    }

    function version(name: string, runId: string, n = 1): NewModelVersion {
      const digest = unique("sha256:file");
      return {
        name,
        runId,
        sourcePath: "model",
        source: `runs:/${runId}/model`,
        files: [{ path: `weights-${n}.bin`, digest, size: 10 * n }],
        digest: unique("sha256:version"),
        description: "",
        tags: { n: String(n) },
        userId: "ada",
        now: 2000 + n,
      };
    }

    it("creates, reads, renames and refuses a taken name", async () => {
      const { name } = await modelWithRun(store());
      const model = await store().models.getModel(name);
      expect(model).toMatchObject({
        name,
        description: "d",
        tags: { team: "vision" },
        aliases: {},
        latestVersion: null,
      });
      await expect(
        store().models.createModel({ name, description: "", tags: {}, now: 1 }),
      ).rejects.toThrow(ConflictError);
      const renamed = unique("renamed");
      await store().models.renameModel(name, renamed, 3000);
      expect(await store().models.getModel(name)).toBeUndefined();
      expect((await store().models.getModel(renamed))?.updatedAt).toBe(3000);
      const found = await store().models.searchModels({
        comparisons: [{ key: "name", op: "=", value: renamed }],
        offset: 0,
        limit: 10,
      });
      expect(found.map((m) => m.name)).toEqual([renamed]);
      await expect(store().models.renameModel(unique("nope"), unique("x"), 1)).rejects.toThrow(
        NotFoundError,
      );
    });

    it("numbers versions per model, pins files and records the run's output", async () => {
      const { name, runId } = await modelWithRun(store());
      const v1 = await store().models.createVersion(version(name, runId, 1));
      const v2 = await store().models.createVersion(version(name, runId, 2));
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(v1).toMatchObject({
        name,
        runId,
        status: "READY",
        stage: "None",
        tags: { n: "1" },
        aliases: [],
      });
      expect((await store().models.getVersion(name, 2))?.files).toEqual(
        version(name, runId, 2).files.map((f) => ({ ...f, digest: expect.any(String) })),
      );
      const run = await store().runs.get(runId);
      expect(run?.outputs.filter((o) => o.kind === "model").map((o) => o.version)).toEqual([
        "1",
        "2",
      ]);
      expect((await store().models.getModel(name))?.latestVersion).toBe(2);
      const digests = await collect(store().models.fileDigests());
      expect(digests).toContain((await store().models.getVersion(name, 1))?.files?.[0]?.digest);
      // A deleted version's number is never reused.
      await store().models.deleteVersion(name, 2);
      expect((await store().models.createVersion(version(name, runId, 3))).version).toBe(3);
      expect((await store().models.listVersions({ name })).map((v) => v.version)).toEqual([3, 1]);
      expect((await store().models.listVersions({ runId })).length).toBe(2);
    });

    it("renames a model with its versions, files, aliases, history and run outputs", async () => {
      const { name, runId } = await modelWithRun(store());
      await store().models.createVersion(version(name, runId, 1));
      await store().models.setAlias({ name, alias: "prod", version: 1, user: "u", now: 1 });
      const renamed = unique("renamed");
      await store().models.renameModel(name, renamed, 2);
      const v = await store().models.getVersion(renamed, 1);
      expect(v).toMatchObject({ name: renamed, aliases: ["prod"] });
      expect(v?.files).toHaveLength(1);
      expect((await store().models.aliasHistory(renamed, "prod")).map((m) => m.name)).toEqual([
        renamed,
      ]);
      const run = await store().runs.get(runId);
      expect(run?.outputs.map((o) => o.name)).toEqual([renamed]);
      expect(await store().models.listVersions({ name })).toEqual([]);
    });

    it("refuses versions of a missing model or run", async () => {
      const { name, runId } = await modelWithRun(store());
      await expect(store().models.createVersion(version(unique("nope"), runId))).rejects.toThrow(
        NotFoundError,
      );
      await expect(store().models.createVersion(version(name, newRunId()))).rejects.toThrow(
        NotFoundError,
      );
      expect(await store().models.listVersions({ name })).toEqual([]);
    });

    it("moves aliases with history, rolls back twice, and refuses a rollback without history", async () => {
      const { name, runId } = await modelWithRun(store());
      for (const n of [1, 2, 3]) await store().models.createVersion(version(name, runId, n));
      const write = { name, alias: "production", user: "ada", now: 5000 };
      await expect(store().models.rollbackAlias(write)).rejects.toThrow(BadRequestError);
      await store().models.setAlias({ ...write, version: 1 });
      await expect(store().models.rollbackAlias(write)).rejects.toThrow(/no earlier version/);
      await store().models.setAlias({ ...write, version: 2 });
      expect(await store().models.setAlias({ ...write, version: 2 })).toBeUndefined();
      await store().models.setAlias({ ...write, version: 3, user: "bob" });
      expect((await store().models.getModel(name))?.aliases).toEqual({ production: 3 });
      expect((await store().models.rollbackAlias(write)).toVersion).toBe(2);
      expect((await store().models.rollbackAlias(write)).toVersion).toBe(1);
      await expect(store().models.rollbackAlias(write)).rejects.toThrow(BadRequestError);
      const history = await store().models.aliasHistory(name, "production");
      expect(history.map((m) => [m.kind, m.fromVersion, m.toVersion, m.user])).toEqual([
        ["set", null, 1, "ada"],
        ["set", 1, 2, "ada"],
        ["set", 2, 3, "bob"],
        ["rollback", 3, 2, "ada"],
        ["rollback", 2, 1, "ada"],
      ]);
      expect((await store().models.getVersion(name, 1))?.aliases).toEqual(["production"]);
    });

    it("refuses to delete an aliased version until the alias moves", async () => {
      const { name, runId } = await modelWithRun(store());
      await store().models.createVersion(version(name, runId, 1));
      await store().models.createVersion(version(name, runId, 2));
      await store().models.setAlias({ name, alias: "prod", version: 1, user: "u", now: 1 });
      await expect(store().models.deleteVersion(name, 1)).rejects.toThrow(ConflictError);
      await store().models.setAlias({ name, alias: "prod", version: 2, user: "u", now: 2 });
      await store().models.deleteVersion(name, 1);
      expect(await store().models.getVersion(name, 1)).toBeUndefined();
      // Rolling back to a deleted version is refused, naming it.
      await expect(
        store().models.rollbackAlias({ name, alias: "prod", user: "u", now: 3 }),
      ).rejects.toThrow(/version 1 was deleted/);
      expect(
        (await store().models.deleteAlias({ name, alias: "prod", user: "u", now: 4 }))?.toVersion,
      ).toBeNull();
      expect(
        await store().models.deleteAlias({ name, alias: "prod", user: "u", now: 5 }),
      ).toBeUndefined();
      await store().models.deleteModel(name);
      expect(await store().models.getModel(name)).toBeUndefined();
    });

    it("keeps every move of concurrent alias writes", async () => {
      const { name, runId } = await modelWithRun(store());
      for (const n of [1, 2, 3, 4]) await store().models.createVersion(version(name, runId, n));
      const moves = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store().models.setAlias({
            name,
            alias: "prod",
            version: (i % 4) + 1,
            user: `u${i}`,
            now: i,
          }),
        ),
      );
      const history = await store().models.aliasHistory(name, "prod");
      expect(history.length).toBe(moves.filter((m) => m !== undefined).length);
      expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
      for (let i = 1; i < history.length; i++) {
        expect(history[i]?.fromVersion).toBe(history[i - 1]?.toVersion);
      }
      expect((await store().models.getModel(name))?.aliases.prod).toBe(history.at(-1)?.toVersion);
    });

    it("sets and deletes model and version tags; finds runs by their inputs", async () => {
      const { name, runId } = await modelWithRun(store());
      await store().models.createVersion(version(name, runId, 1));
      await store().models.setModelTag(name, "k", "v");
      await store().models.setModelTag(name, "k", "w");
      expect((await store().models.getModel(name))?.tags.k).toBe("w");
      expect(await store().models.deleteModelTag(name, "k")).toBe(true);
      expect(await store().models.deleteModelTag(name, "k")).toBe(false);
      await store().models.setVersionTag(name, 1, "k", "v");
      expect((await store().models.getVersion(name, 1))?.tags).toEqual({ n: "1", k: "v" });
      await expect(store().models.setVersionTag(name, 9, "k", "v")).rejects.toThrow(NotFoundError);
      await store().runs.addIo(runId, "input", [
        { kind: "model", name, version: "1", digest: "d", context: "inference" },
      ]);
      expect(await store().models.ioUses("model", name, "1")).toEqual(
        expect.arrayContaining([
          { runId, direction: "input", context: "inference" },
          { runId, direction: "output", context: "registered" },
        ]),
      );
    });
  });
  describeModelSearch(open);
}
