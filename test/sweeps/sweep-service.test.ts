import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBlobStore } from "../../src/blobs/open-blob-store.js";
import { BadRequestError, ConflictError, NotFoundError } from "../../src/domain/errors.js";
import { SweepService } from "../../src/services/sweep-service.js";
import {
  createTrackingServices,
  type TrackingServices,
} from "../../src/services/tracking-services.js";
import type { MetadataStore } from "../../src/store/metadata-store.js";
import { openStore } from "../../src/store/open-store.js";
import { parseSweepSpec } from "../../src/sweeps/parse-sweep-spec.js";
import { proposeParams } from "../../src/sweeps/propose-params.js";
import type { TrialObservation, TrialParams } from "../../src/sweeps/sweep-spec.js";
import { trialSeed } from "../../src/sweeps/trial-seeds.js";
import { storeTargets } from "./support/sweep-stores.js";

const GRID = {
  command: ["node", "trial.js"],
  method: "grid",
  seed: 3,
  objective: { metric: "loss", goal: "minimize" },
  parameters: { a: [1, 2, 3], b: ["x", "y"], c: 0.5 },
  lease_ms: 1000,
};

for (const target of await storeTargets()) {
  describe(`SweepService on ${target.name}`, () => {
    let clock = 1_000_000;
    let store: MetadataStore;
    let tracking: TrackingServices;
    let sweeps: SweepService;
    let cleanup: () => Promise<void>;
    const blobsDir = mkdtempSync(join(tmpdir(), "lockstep-sweep-blobs-"));

    beforeAll(async () => {
      const db = await target.open();
      store = await openStore(db.url);
      const blobs = await openBlobStore(blobsDir);
      tracking = createTrackingServices({ store, blobs, now: () => clock });
      sweeps = new SweepService(store, tracking.runs, () => clock);
      cleanup = async () => {
        await store.close();
        await db.cleanup();
        rmSync(blobsDir, { recursive: true, force: true });
      };
    });
    afterAll(async () => cleanup());

    async function leaseAll(id: string, owners: string[]) {
      const answers = await Promise.all(owners.map((owner) => sweeps.lease(id, { owner })));
      return answers.flatMap((a, i) =>
        a.status === "leased" ? [{ ...a.trial, owner: owners[i] as string }] : [],
      );
    }

    async function startTrialRun(sweepId: string, index: number, attempt: number, owner: string) {
      const run = await tracking.runs.create({ parentId: sweepId, name: `trial-${index}` });
      await sweeps.renew({ sweepId, index, attempt, owner, runId: run.id });
      return run.id;
    }

    async function logMetric(runId: string, key: string, value: number, step = 0) {
      await store.runs.logBatch({
        runId,
        metrics: [{ key, value, step, timestamp: clock }],
        params: {},
        tags: {},
      });
    }

    it("records the sweep as a parent run of kind sweep and stores nothing for a bad spec", async () => {
      const view = await sweeps.create(GRID);
      const run = await tracking.runs.get(view.id);
      expect(run.kind).toBe("sweep");
      expect(view).toMatchObject({
        state: "running",
        method: "grid",
        budget: { maxTrials: 6 },
        best: null,
        message: "no trial has finished yet",
        trials: [],
      });
      const before = (await tracking.runs.search({})).items.length;
      await expect(sweeps.create({ ...GRID, method: "bayes" })).rejects.toBeInstanceOf(
        BadRequestError,
      );
      expect((await tracking.runs.search({})).items.length).toBe(before);
      await expect(sweeps.show("0".repeat(32))).rejects.toBeInstanceOf(NotFoundError);
    });

    it("hands each grid trial to exactly one of many concurrent agents", async () => {
      const { id } = await sweeps.create(GRID);
      const owners = Array.from({ length: 10 }, (_, i) => `agent-${i}`);
      const leased = await leaseAll(id, owners);
      expect(leased.map((t) => t.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      const combos = new Set(leased.map((t) => JSON.stringify(t.params)));
      expect(combos.size).toBe(6);
      for (const t of leased) expect(t.seed).toBe(trialSeed(3, t.index));
      expect(await sweeps.lease(id, { owner: "late" })).toEqual({
        status: "wait",
        retryAfterMs: 1000,
      });
    });

    it("keeps at most max_parallel trials running", async () => {
      const { id } = await sweeps.create({ ...GRID, budget: { max_parallel: 2 } });
      const leased = await leaseAll(id, ["a", "b", "c", "d"]);
      expect(leased).toHaveLength(2);
    });

    it("re-queues an expired lease with the same params and seed, and fails its run", async () => {
      const { id } = await sweeps.create({ ...GRID, parameters: { a: [1] } });
      const [first] = await leaseAll(id, ["dead"]);
      if (!first) throw new Error("no lease");
      const runId = await startTrialRun(id, 0, 1, "dead");
      expect(await sweeps.lease(id, { owner: "other" })).toMatchObject({ status: "wait" });
      clock += 1001;
      const again = await sweeps.lease(id, { owner: "other" });
      expect(again).toMatchObject({
        status: "leased",
        trial: { index: 0, attempt: 2, params: first.params, seed: first.seed },
      });
      const dead = await tracking.runs.get(runId);
      expect(dead.status).toBe("FAILED");
      expect(dead.tags["lockstep.exit.reason"]).toBe("lease expired");
      await expect(
        sweeps.renew({ sweepId: id, index: 0, attempt: 1, owner: "dead" }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        sweeps.report({ sweepId: id, index: 0, attempt: 1, owner: "dead", status: "FINISHED" }),
      ).rejects.toBeInstanceOf(ConflictError);
      const view = await sweeps.show(id);
      expect(view.counts).toMatchObject({ expired: 1, running: 1 });
      expect(view.trials.map((t) => [t.index, t.attempt, t.status, t.reason])).toEqual([
        [0, 1, "FAILED", "lease expired"],
        [0, 2, "RUNNING", null],
      ]);
    });

    it("reports the best trial by the objective, and finishes the sweep when the budget is spent", async () => {
      const { id } = await sweeps.create({ ...GRID, parameters: { a: [1, 2, 3] } });
      const leased = (await leaseAll(id, ["x", "y", "z"])).sort((a, b) => a.index - b.index);
      const losses = [0.5, 0.2, 0.9];
      for (const t of leased) {
        const runId = await startTrialRun(id, t.index, t.attempt, t.owner);
        await logMetric(runId, "loss", losses[t.index] as number);
        clock += 10;
        await sweeps.report({
          sweepId: id,
          index: t.index,
          attempt: 1,
          owner: t.owner,
          status: "FINISHED",
        });
      }
      const view = await sweeps.show(id);
      expect(view.state).toBe("finished");
      expect(view.bestTrial).toMatchObject({ index: 1, objective: 0.2, params: { a: 2 } });
      expect(view.best?.params.a).toBeUndefined(); // params live on the trial run created by the agent
      expect(view.best?.metrics.loss).toBe(0.2);
      expect(view.bestSoFar.map((p) => p.value)).toEqual([0.5, 0.2]);
      expect((await tracking.runs.get(id)).status).toBe("FINISHED");
      expect(await sweeps.lease(id, { owner: "x" })).toEqual({ status: "done" });
    });

    it("says so when no trial reports the objective metric, instead of picking a best", async () => {
      const { id } = await sweeps.create({ ...GRID, parameters: { a: [1, 2] } });
      for (const t of await leaseAll(id, ["p", "q"])) {
        const owner = t.owner;
        const runId = await startTrialRun(id, t.index, 1, owner);
        await logMetric(runId, "accuracy", 0.9);
        await sweeps.report({ sweepId: id, index: t.index, attempt: 1, owner, status: "FINISHED" });
      }
      const view = await sweeps.show(id);
      expect(view.best).toBeNull();
      expect(view.bestTrial).toBeNull();
      expect(view.message).toBe('no finished trial reported the objective metric "loss"');
      expect(view.trials.every((t) => t.objective === null)).toBe(true);
    });

    it("prunes a trial that falls out of the top 1/η at a rung (ASHA)", async () => {
      const { id } = await sweeps.create({
        ...GRID,
        parameters: { a: [1, 2, 3, 4] },
        early_stopping: { type: "asha", min_resource: 1, reduction_factor: 2 },
      });
      const leased = await leaseAll(id, ["o0", "o1", "o2", "o3"]);
      const decisions: boolean[] = [];
      // Losses at step 1 arrive in this order: 0.5, 0.3 (better), 0.9 (worse than half), 0.1.
      for (const [i, loss] of [0.5, 0.3, 0.9, 0.1].entries()) {
        const t = leased.find((l) => l.index === i);
        if (!t) throw new Error("missing trial");
        const runId = await startTrialRun(id, i, 1, t.owner);
        await logMetric(runId, "loss", loss, 1);
        const answer = await sweeps.renew({ sweepId: id, index: i, attempt: 1, owner: t.owner });
        decisions.push(answer.prune);
        if (answer.prune) expect(answer.rung).toBe(1);
      }
      expect(decisions).toEqual([false, false, true, false]);
      await sweeps.report({
        sweepId: id,
        index: 2,
        attempt: 1,
        owner: leased.find((l) => l.index === 2)?.owner as string,
        status: "KILLED",
        pruned: true,
      });
      const view = await sweeps.show(id);
      expect(view.trials.find((t) => t.index === 2)).toMatchObject({
        status: "KILLED",
        state: "pruned",
        reason: "pruned",
      });
    });

    it("ranks later trials against one that finished between two renewals", async () => {
      const early = { type: "asha", min_resource: 1, reduction_factor: 2 };
      const { id } = await sweeps.create({
        ...GRID,
        parameters: { a: [1, 2] },
        early_stopping: early,
      });
      const [first, second] = await leaseAll(id, ["f0", "f1"]);
      if (!first || !second) throw new Error("missing trial");
      // The agent learns from the lease that rungs are watched, and on which metric.
      expect(first.earlyStopping).toEqual({
        type: "asha",
        metric: "loss",
        minResource: 1,
        reductionFactor: 2,
      });
      const fast = await startTrialRun(id, first.index, 1, first.owner);
      // Every point arrives after the last renewal: only the report sees them.
      for (const step of [0, 1, 2]) await logMetric(fast, "loss", 0.2, step);
      await tracking.runs.update(fast, { status: "FINISHED" });
      await sweeps.report({
        sweepId: id,
        index: first.index,
        attempt: 1,
        owner: first.owner,
        status: "FINISHED",
      });

      const slow = await startTrialRun(id, second.index, 1, second.owner);
      await logMetric(slow, "loss", 0.6, 1);
      const answer = await sweeps.renew({
        sweepId: id,
        index: second.index,
        attempt: 1,
        owner: second.owner,
      });
      expect(answer).toMatchObject({ prune: true, rung: 1 });
    });

    it("feeds tpe the finished trials, params typed as sampled, in trial order", async () => {
      const raw = {
        ...GRID,
        method: "tpe",
        budget: { max_trials: 12 },
        parameters: {
          lr: { distribution: "log_uniform", min: 0.001, max: 0.1 },
          depth: { distribution: "int_uniform", min: 1, max: 5 },
          kind: ["a", "b"],
        },
      };
      const { id } = await sweeps.create(raw);
      const spec = parseSweepSpec(raw);
      const history: TrialObservation[] = [];
      for (let i = 0; i < 12; i++) {
        const [t] = await leaseAll(id, ["solo"]);
        if (!t) throw new Error("no lease");
        expect(t.index).toBe(i);
        expect(t.params).toEqual(proposeParams(spec, i, history));
        const runId = await startTrialRun(id, i, 1, "solo");
        const loss = Math.abs(Math.log10(t.params.lr as number) + 2) + (t.params.depth as number);
        await logMetric(runId, "loss", loss);
        await sweeps.report({
          sweepId: id,
          index: i,
          attempt: 1,
          owner: "solo",
          status: "FINISHED",
        });
        history.push({ params: t.params as TrialParams, objective: loss });
      }
      expect((await sweeps.show(id)).state).toBe("finished");
    });

    it("queues a trial again when its agent was stopped (KILLED, not pruned)", async () => {
      const { id } = await sweeps.create({ ...GRID, parameters: { a: [7] } });
      const [first] = await leaseAll(id, ["stopped"]);
      await startTrialRun(id, 0, 1, "stopped");
      await sweeps.report({
        sweepId: id,
        index: 0,
        attempt: 1,
        owner: "stopped",
        status: "KILLED",
        reason: "agent interrupted",
      });
      const again = await sweeps.lease(id, { owner: "next" });
      expect(again).toMatchObject({
        status: "leased",
        trial: { index: 0, attempt: 2, params: first?.params, seed: first?.seed },
      });
      const view = await sweeps.show(id);
      expect(view.trials.map((t) => [t.attempt, t.status, t.reason])).toEqual([
        [1, "FAILED", "agent interrupted"],
        [2, "RUNNING", null],
      ]);
    });

    it("refuses a run that is not a child of the sweep", async () => {
      const { id } = await sweeps.create({ ...GRID, parameters: { a: [1] } });
      await leaseAll(id, ["r"]);
      const stray = await tracking.runs.create({});
      await expect(
        sweeps.renew({ sweepId: id, index: 0, attempt: 1, owner: "r", runId: stray.id }),
      ).rejects.toThrow(/is not a trial of sweep/);
    });
  });
}
