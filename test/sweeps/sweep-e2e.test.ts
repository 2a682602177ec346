import { spawnSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run.js";
import type { SweepView } from "../../src/sweeps/sweep-views.js";
import { ROOT } from "../cli/run-cli.js";
import { lockstep } from "../reproduce/reproduce-support.js";
import { git, RunFixture } from "../run/run-support.js";

/**
 * A TPE sweep with early stopping over the real scikit-learn example,
 * committed to its own repository, run by two agents; then its best trial
 * reproduced by `lockstep reproduce`, which must say `identical`.
 *
 * Pruning is certain, not left to timing: with seed 28 the four start-up
 * trials draw alpha 1.5e-4, 2.2e-3, 4.45 and 1.6e-3, and at alpha 4.45 test
 * accuracy is ~0.5 at every rung against ~0.95 for the others. Trial 2 is
 * leased only once trial 0 or 1 has ended and reported — its rungs recorded
 * then at the latest — so at rung 0 (step 1) it is the worst of at least two
 * and is stopped with 58 of its 60 epochs (a second or more) still to go.
 */
const EPOCHS = 60;
const BAD_ALPHA_TRIAL = 2;

const sklearn =
  spawnSync("/usr/bin/python3", ["-c", "import sklearn, numpy"], { stdio: "ignore" }).status === 0;
const fx = new RunFixture();

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${fx.server.url}${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

beforeAll(() => fx.start());
afterAll(() => fx.close());

describe.skipIf(!sklearn && !process.env.CI)("a sweep over examples/python-sklearn", () => {
  it("runs every trial once, prunes the hopeless one, and reproduces the best identically", async () => {
    const repo = fx.tempDir();
    copyFileSync(join(ROOT, "examples/python-sklearn/train.py"), join(repo, "train.py"));
    writeFileSync(join(repo, ".gitignore"), "model-summary.json\n");
    git(repo, "init", "-q");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "example");
    const home = fx.tempDir("lockstep-home-");
    const specPath = join(fx.tempDir(), "sweep.yaml");
    writeFileSync(
      specPath,
      `command: [/usr/bin/python3, train.py, --out, model-summary.json]
experiment: digits-sweep
method: tpe
seed: 28
objective: {metric: test_accuracy, goal: maximize}
budget: {max_trials: 4, max_parallel: 2}
early_stopping: {type: asha, min_resource: 1, reduction_factor: 2}
parameters:
  alpha: {distribution: log_uniform, min: 0.0001, max: 10}
  epochs: ${EPOCHS}
`,
    );
    const created = await lockstep(fx, home, ["sweep", "create", specPath], { cwd: repo });
    expect(created.code, created.stderr).toBe(0);
    const id = created.stdout.trim();

    const agents = await Promise.all(
      [1, 2].map(() => lockstep(fx, home, ["sweep", "agent", id], { cwd: repo })),
    );
    for (const a of agents) expect(a.code, a.stderr).toBe(0);

    const shown = await lockstep(fx, home, ["sweep", "show", id, "--json"], { cwd: repo });
    const view = JSON.parse(shown.stdout) as SweepView;
    expect(view.state).toBe("finished");
    expect(view.trials.map((t) => t.index).sort()).toEqual([0, 1, 2, 3]);
    for (const t of view.trials) {
      expect([
        ["FINISHED", null],
        ["KILLED", "pruned"],
      ]).toContainEqual([t.status, t.reason]);
    }
    const bad = view.trials.find((t) => t.index === BAD_ALPHA_TRIAL);
    expect(bad?.params.alpha).toBeGreaterThan(1);
    expect([bad?.status, bad?.reason]).toEqual(["KILLED", "pruned"]);
    // Stopped while it ran: its run ended KILLED short of its last epoch.
    const prunedRun = await getJson<{ run: Run }>(`/api/v1/runs/${bad?.runId}`);
    expect(prunedRun.run.status).toBe("KILLED");
    expect(prunedRun.run.tags["lockstep.exit.reason"]).toBe("pruned");
    const latest = await getJson<{ metrics: { key: string; step: number }[] }>(
      `/api/v1/runs/${bad?.runId}/metrics`,
    );
    const lastStep = latest.metrics.find((m) => m.key === "test_accuracy")?.step;
    expect(lastStep).toBeGreaterThanOrEqual(1);
    expect(lastStep).toBeLessThan(EPOCHS - 1);

    const finished = view.trials.filter((t) => t.status === "FINISHED");
    expect(finished.length).toBeGreaterThan(0);
    const bestObjective = Math.max(...finished.map((t) => t.objective as number));
    expect(view.bestTrial?.objective).toBe(bestObjective);
    expect(view.best?.parentId).toBe(id);
    expect(view.best?.params.alpha).toBe(String(view.bestTrial?.params.alpha));

    const trialRun = view.bestTrial?.runId as string;
    const result = await lockstep(fx, home, ["reproduce", trialRun, "--json"], { cwd: repo });
    const report = JSON.parse(result.stdout) as {
      verdict: string;
      factors: Record<string, unknown>;
    };
    expect(report.verdict, result.stderr).toBe("identical");
    expect(result.code).toBe(0);
  }, 90_000);
});
