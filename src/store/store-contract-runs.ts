import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "../domain/errors.js";
import { newRunId } from "../domain/ids.js";
import { newExperiment, newRun, type OpenStore, useStore } from "./store-contract-fixtures.js";

export function describeRuns(open: OpenStore): void {
  describe("runs", () => {
    const store = useStore(open);

    it("creates a run and reads it back whole", async () => {
      const e = await newExperiment(store());
      const id = newRunId();
      const created = await newRun(store(), {
        id,
        experimentId: e.id,
        name: "fluffy-owl",
        kind: "eval",
        startTime: 42,
        tags: { "mlflow.user": "ada" },
        params: { lr: "0.01" },
      });
      const expected = {
        id,
        experimentId: e.id,
        name: "fluffy-owl",
        status: "RUNNING",
        kind: "eval",
        parentId: null,
        userId: "ada",
        startTime: 42,
        endTime: null,
        lifecycleStage: "active",
        artifactUri: `mlflow-artifacts:/${e.id}/${id}/artifacts`,
        params: { lr: "0.01" },
        tags: { "mlflow.user": "ada" },
        metrics: {},
        inputs: [],
        outputs: [],
      };
      expect(created).toEqual(expected);
      expect(await store().runs.get(id)).toEqual(expected);
      const { params, tags, metrics, inputs, outputs, ...info } = expected;
      expect(await store().runs.getInfo(id)).toEqual(info);
    });

    it("returns undefined for an unknown run", async () => {
      expect(await store().runs.get(newRunId())).toBeUndefined();
      expect(await store().runs.getInfo(newRunId())).toBeUndefined();
    });

    it("refuses an unknown experiment, an unknown parent and a duplicate id", async () => {
      const e = await newExperiment(store());
      await expect(newRun(store(), { experimentId: "999999" })).rejects.toThrow(
        new NotFoundError("experiment 999999 not found"),
      );
      await expect(newRun(store(), { experimentId: "x1" })).rejects.toThrow(NotFoundError);
      const parent = newRunId();
      await expect(newRun(store(), { experimentId: e.id, parentId: parent })).rejects.toThrow(
        `parent run ${parent} not found`,
      );
      const run = await newRun(store(), { experimentId: e.id });
      const again = newRun(store(), { experimentId: e.id, id: run.id });
      await expect(again).rejects.toThrow(ConflictError);
      await expect(again).rejects.toThrow(`run ${run.id} already exists`);
    });

    it("updates status, end time and name, and refuses an unknown run", async () => {
      const e = await newExperiment(store());
      const run = await newRun(store(), { experimentId: e.id });
      await store().runs.update(run.id, { status: "FINISHED", endTime: 99 });
      expect(await store().runs.getInfo(run.id)).toMatchObject({
        status: "FINISHED",
        endTime: 99,
        name: "run",
      });
      await store().runs.update(run.id, { name: "renamed" });
      expect(await store().runs.getInfo(run.id)).toMatchObject({
        status: "FINISHED",
        endTime: 99,
        name: "renamed",
      });
      await store().runs.update(run.id, { endTime: null, status: "RUNNING" });
      expect(await store().runs.getInfo(run.id)).toMatchObject({
        status: "RUNNING",
        endTime: null,
      });
      await store().runs.update(run.id, {});
      const missing = newRunId();
      await expect(store().runs.update(missing, { status: "FAILED" })).rejects.toThrow(
        `run ${missing} not found`,
      );
      await expect(store().runs.update(missing, {})).rejects.toThrow(NotFoundError);
    });

    it("deletes and restores a run", async () => {
      const e = await newExperiment(store());
      const run = await newRun(store(), { experimentId: e.id });
      await store().runs.setLifecycle(run.id, "deleted", 500);
      expect((await store().runs.getInfo(run.id))?.lifecycleStage).toBe("deleted");
      await store().runs.setLifecycle(run.id, "active", 600);
      expect((await store().runs.getInfo(run.id))?.lifecycleStage).toBe("active");
      await expect(store().runs.setLifecycle(newRunId(), "deleted", 1)).rejects.toThrow(
        NotFoundError,
      );
    });

    it("keeps a parent chain five deep and lists direct children in start order", async () => {
      const e = await newExperiment(store());
      const chain = [await newRun(store(), { experimentId: e.id, startTime: 0 })];
      for (let depth = 1; depth < 5; depth++) {
        const parent = chain[depth - 1]?.id ?? null;
        chain.push(
          await newRun(store(), { experimentId: e.id, parentId: parent, startTime: depth }),
        );
      }
      for (let depth = 1; depth < 5; depth++) {
        const run = await store().runs.get(chain[depth]?.id ?? "");
        expect(run?.parentId).toBe(chain[depth - 1]?.id);
      }
      const root = chain[0]?.id ?? "";
      const late = await newRun(store(), { experimentId: e.id, parentId: root, startTime: 100 });
      const early = await newRun(store(), {
        experimentId: e.id,
        parentId: root,
        startTime: -5,
        params: { p: "1" },
      });
      const children = await store().runs.children(root);
      expect(children.map((r) => r.id)).toEqual([early.id, chain[1]?.id, late.id]);
      expect(children[0]?.params).toEqual({ p: "1" });
      expect(children[0]).not.toHaveProperty("capture");
      expect((await store().runs.children(chain[4]?.id ?? "")).length).toBe(0);
    });

    it("sets and deletes tags, refusing an unknown run", async () => {
      const e = await newExperiment(store());
      const run = await newRun(store(), { experimentId: e.id, tags: { a: "1", b: "2" } });
      await store().runs.logBatch({ runId: run.id, metrics: [], params: {}, tags: { a: "3" } });
      await store().runs.deleteTag(run.id, "b");
      await store().runs.deleteTag(run.id, "absent");
      expect((await store().runs.get(run.id))?.tags).toEqual({ a: "3" });
      await expect(store().runs.deleteTag(newRunId(), "a")).rejects.toThrow(NotFoundError);
    });

    it("stores the capture as JSON and returns it only on single-run reads", async () => {
      const e = await newExperiment(store());
      const run = await newRun(store(), { experimentId: e.id });
      expect(await store().runs.get(run.id)).not.toHaveProperty("capture");
      const capture = {
        code: { commit: "abc123", dirty: true, argv: ["python3", "train.py"] },
        seed: { root: 7, derived: { torch: 123 } },
        env: { note: "ünïcode ✓", nothing: null },
      };
      await store().runs.setCapture(run.id, capture);
      expect((await store().runs.get(run.id))?.capture).toEqual(capture);
      const found = await store().runs.search({
        experimentIds: [e.id],
        filter: [],
        viewType: "ALL",
        orderBy: [],
        offset: 0,
        limit: 10,
      });
      expect(found[0]?.id).toBe(run.id);
      expect(found[0]).not.toHaveProperty("capture");
      await expect(store().runs.setCapture(newRunId(), {})).rejects.toThrow(NotFoundError);
    });

    it("records inputs and outputs once each", async () => {
      const e = await newExperiment(store());
      const run = await newRun(store(), { experimentId: e.id });
      const digits = {
        kind: "dataset" as const,
        name: "digits",
        version: "2026-03-01",
        digest: "sha256:aa",
        context: "training",
      };
      const evalSet = { ...digits, context: "evaluation" };
      const model = {
        kind: "model" as const,
        name: "clf",
        version: "3",
        digest: "sha256:bb",
        context: "",
      };
      await store().runs.addIo(run.id, "input", [digits, evalSet]);
      await store().runs.addIo(run.id, "input", [digits]);
      await store().runs.addIo(run.id, "output", [model]);
      await store().runs.addIo(run.id, "output", []);
      const got = await store().runs.get(run.id);
      expect(got?.inputs).toHaveLength(2);
      expect(got?.inputs).toEqual(expect.arrayContaining([digits, evalSet]));
      expect(got?.outputs).toEqual([model]);
      await expect(store().runs.addIo(newRunId(), "input", [digits])).rejects.toThrow(
        NotFoundError,
      );
    });
  });
}
