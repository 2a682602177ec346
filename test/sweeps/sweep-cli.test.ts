import { afterEach, describe, expect, it } from "vitest";
import type { SweepView } from "../../src/sweeps/sweep-views.js";
import { serverForThisFile } from "../http/support/test-server.js";
import { SweepWorkspace } from "./support/sweep-cli.js";

const server = serverForThisFile();
let ws: SweepWorkspace;
afterEach(() => ws?.cleanup());

const BASE = {
  command: "node trial.cjs",
  method: "grid",
  seed: 5,
  objective: { metric: "loss", goal: "minimize" },
};

async function create(spec: unknown, file = "sweep.yaml"): Promise<string> {
  const created = await ws.run(server.url, ["sweep", "create", ws.writeSpec(file, spec)]);
  expect(created.code, created.stderr).toBe(0);
  return created.stdout.trim();
}

async function showJson(id: string): Promise<SweepView> {
  const shown = await ws.run(server.url, ["sweep", "show", id, "--json"]);
  expect(shown.code, shown.stderr).toBe(0);
  return JSON.parse(shown.stdout) as SweepView;
}

describe("lockstep sweep", () => {
  it("refuses a malformed spec with one error line naming the key, and stores nothing", async () => {
    ws = new SweepWorkspace();
    const before = await server.call("POST", "/api/v1/runs/search", { json: {} });
    const bad = await ws.run(server.url, [
      "sweep",
      "create",
      ws.writeSpec(
        "bad.yaml",
        "command: node trial.cjs\nmethod: bayes\nobjective: {metric: loss}\nparameters:\n  lr: {distribution: log_uniform, min: 0, max: 1}\n",
      ),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toBe(
      'error: invalid sweep spec: method: unknown method "bayes" (expected grid, random or tpe); parameters.lr.min: a log_uniform range needs min > 0, got 0\n',
    );
    const after = await server.call("POST", "/api/v1/runs/search", { json: {} });
    expect(after.body).toEqual(before.body);

    const missing = await ws.run(server.url, ["sweep", "create", "nope.yaml"]);
    expect(missing).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "error: cannot read nope.yaml: ENOENT\n",
    });
    const unknown = await ws.run(server.url, ["sweep", "show", "f".repeat(32)]);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: `error: sweep "${"f".repeat(32)}" not found\n`,
    });
  });

  it("says so when no trial reports the objective metric", async () => {
    ws = new SweepWorkspace();
    const id = await create(
      `${Object.entries({ ...BASE, objective: undefined })
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
        .join(
          "\n",
        )}\nobjective: {metric: val_loss, goal: minimize}\nparameters:\n  x: [0.1, 0.5]\n`,
    );
    const agent = await ws.run(server.url, ["sweep", "agent", id]);
    expect(agent.code, agent.stderr).toBe(0);
    const view = await showJson(id);
    expect(view).toMatchObject({
      state: "finished",
      best: null,
      bestTrial: null,
      message: 'no finished trial reported the objective metric "val_loss"',
      counts: { finished: 2 },
    });
    const text = await ws.run(server.url, ["sweep", "show", id]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'best: none — no finished trial reported the objective metric "val_loss"',
    );
    expect(text.stdout).toMatch(/TRIAL\s+ATTEMPT\s+STATUS\s+RUN\s+VAL_LOSS\s+PARAMS/);
  });

  it("prunes a trial that falls behind at a rung: KILLED with the reason pruned", async () => {
    ws = new SweepWorkspace();
    // One agent, trials in order: x=0.35 (loss 0.0025), x=0.9 (0.36: behind), x=0.3 (0: ahead).
    const id = await create({
      ...BASE,
      lease_ms: 600,
      parameters: { x: [0.35, 0.9, 0.3], steps: 25, sleep_ms: 100 },
      early_stopping: { type: "asha", min_resource: 1, reduction_factor: 2 },
    });
    const agent = await ws.run(server.url, ["sweep", "agent", id]);
    expect(agent.code, agent.stderr).toBe(0);
    const view = await showJson(id);
    expect(view.trials.map((t) => [t.index, t.status, t.reason])).toEqual([
      [0, "FINISHED", null],
      [1, "KILLED", "pruned"],
      [2, "FINISHED", null],
    ]);
    expect(view.counts).toMatchObject({ finished: 2, pruned: 1 });
    const pruned = view.trials[1];
    const run = await server.call("GET", `/api/v1/runs/${pruned?.runId}`);
    expect(run.body.run.status).toBe("KILLED");
    expect(run.body.run.tags["lockstep.exit.reason"]).toBe("pruned");
    const history = await server.call("GET", `/api/v1/runs/${pruned?.runId}/metrics/loss/history`);
    expect(history.status).toBe(200);
    // Stopped early: fewer steps than the 25 a full trial logs.
    expect(history.body.points.length).toBeGreaterThan(0);
    expect(history.body.points.length).toBeLessThan(25);
    expect(view.bestTrial?.params.x).toBe(0.3);
  });

  it("stops on SIGTERM: the trial ends KILLED and goes back to the queue", async () => {
    ws = new SweepWorkspace();
    const id = await create({ ...BASE, parameters: { x: [0.1] } });
    const marker = `${ws.dir}/hang.pid`;
    const agent = ws.start(server.url, ["sweep", "agent", id], { HANG_MARKER: marker });
    let runId: string | null = null;
    for (let i = 0; i < 200 && !runId; i++) {
      await new Promise((r) => setTimeout(r, 100));
      runId = (await showJson(id)).trials[0]?.runId ?? null;
    }
    agent.child.kill("SIGTERM");
    const stopped = await agent.done;
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toContain("lockstep: sweep agent ran 1 trial\n");
    const view = await showJson(id);
    expect(view.trials.map((t) => [t.attempt, t.status, t.reason])).toEqual([
      [1, "FAILED", "agent interrupted"],
      [2, "SCHEDULED", null],
    ]);
    const run = await server.call("GET", `/api/v1/runs/${runId}`);
    expect(run.body.run.status).toBe("KILLED");
  });
});
