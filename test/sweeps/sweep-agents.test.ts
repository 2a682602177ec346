import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run.js";
import type { SweepView } from "../../src/sweeps/sweep-views.js";
import { SweepWorkspace } from "./support/sweep-cli.js";
import { serverOnTarget, storeTargets } from "./support/sweep-stores.js";

/** Four trials, fast: x from a list, y from another. */
const GRID_SPEC = {
  command: ["node", "trial.cjs"],
  method: "grid",
  seed: 42,
  objective: { metric: "loss", goal: "minimize" },
  parameters: { x: [0.1, 0.3], y: [0, 1] },
};

interface TrialLine {
  run: string;
  seed: string;
  params: Record<string, string>;
}

function trialLines(ws: SweepWorkspace): TrialLine[] {
  return readFileSync(ws.trialLog, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as TrialLine);
}

for (const target of await storeTargets()) {
  describe(`sweep agents against a server on ${target.name}`, () => {
    const server = serverOnTarget(target);
    let ws: SweepWorkspace;

    async function createSweep(spec: unknown): Promise<string> {
      const created = await ws.run(server.url, [
        "sweep",
        "create",
        ws.writeSpec("sweep.json", spec),
      ]);
      expect(created.stderr).toBe("");
      expect(created.code).toBe(0);
      const id = created.stdout.trim();
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      return id;
    }

    async function show(id: string): Promise<SweepView> {
      const shown = await ws.run(server.url, ["sweep", "show", id, "--json"]);
      expect(shown.code).toBe(0);
      return JSON.parse(shown.stdout) as SweepView;
    }

    it.each([2, 3])("%i agents in parallel run every trial exactly once", async (agents) => {
      ws = new SweepWorkspace();
      try {
        const id = await createSweep(GRID_SPEC);
        const outcomes = await Promise.all(
          Array.from({ length: agents }, () => ws.run(server.url, ["sweep", "agent", id])),
        );
        for (const o of outcomes) expect(o.code, o.stderr).toBe(0);
        const ranPerAgent = outcomes.map((o) => Number(/ran (\d+) trial/.exec(o.stderr)?.[1]));
        expect(ranPerAgent.reduce((a, b) => a + b, 0)).toBe(4);

        const lines = trialLines(ws);
        const combos = lines.map((l) => `${l.params.x}/${l.params.y}`).sort();
        expect(combos).toEqual(["0.1/0", "0.1/1", "0.3/0", "0.3/1"]);

        const view = await show(id);
        expect(view.state).toBe("finished");
        expect(view.counts).toEqual({
          queued: 0,
          running: 0,
          finished: 4,
          failed: 0,
          pruned: 0,
          expired: 0,
        });
        expect(view.trials.map((t) => t.index).sort()).toEqual([0, 1, 2, 3]);
        expect(new Set(view.trials.map((t) => t.runId)).size).toBe(4);
        for (const t of view.trials) {
          const line = lines.find((l) => l.run === t.runId);
          expect(line?.params).toEqual({ x: String(t.params.x), y: String(t.params.y) });
          expect(line?.seed).toBe(String(t.seed));
          expect(t.objective).toBeCloseTo(
            ((t.params.x as number) - 0.3) ** 2 + (t.params.y as number),
            9,
          );
        }
        expect(view.bestTrial?.params).toEqual({ x: 0.3, y: 0 });
        expect(view.best?.parentId).toBe(id);
        expect(view.best?.params).toMatchObject({
          x: "0.3",
          y: "0",
          seed: String(view.bestTrial?.seed),
        });
        expect(view.best?.tags["lockstep.sweep.id"]).toBe(id);
      } finally {
        ws.cleanup();
      }
    });

    it("re-runs the trial of an agent killed mid-trial once its lease expires", async () => {
      ws = new SweepWorkspace();
      const marker = join(ws.dir, "hang.pid");
      try {
        const id = await createSweep({
          ...GRID_SPEC,
          parameters: { x: [0.2, 0.4] },
          lease_ms: 1000,
        });
        const env = { HANG_MARKER: marker };
        const doomed = ws.start(server.url, ["sweep", "agent", id, "--count", "1"], env);
        let running: SweepView["trials"][number] | undefined;
        for (let i = 0; i < 200 && !running; i++) {
          await new Promise((r) => setTimeout(r, 100));
          running = (await show(id)).trials.find((t) => t.status === "RUNNING" && t.runId);
        }
        expect(running).toBeDefined();
        doomed.child.kill("SIGKILL");
        await doomed.done;

        const survivor = await ws.run(server.url, ["sweep", "agent", id], env);
        expect(survivor.code, survivor.stderr).toBe(0);
        const view = await show(id);
        const attempts = view.trials.filter((t) => t.index === running?.index);
        expect(attempts.map((t) => [t.attempt, t.status, t.reason])).toEqual([
          [1, "FAILED", "lease expired"],
          [2, "FINISHED", null],
        ]);
        expect(attempts[1]?.params).toEqual(attempts[0]?.params);
        expect(attempts[1]?.seed).toBe(attempts[0]?.seed);
        expect(view.counts).toMatchObject({ finished: 2, expired: 1, running: 0, queued: 0 });
        const dead = (await fetch(`${server.url}/api/v1/runs/${attempts[0]?.runId}`).then((r) =>
          r.json(),
        )) as { run: Run };
        expect(dead.run.status).toBe("FAILED");
        expect(dead.run.tags["lockstep.exit.reason"]).toBe("lease expired");
      } finally {
        // The hung trial outlives its agent (it runs in its own process group).
        const pid = existsSync(marker) ? Number(readFileSync(marker, "utf8")) : 0;
        if (pid > 0) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {}
        }
        ws.cleanup();
      }
    });
  });
}
