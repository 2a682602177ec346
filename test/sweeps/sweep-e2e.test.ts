import { spawnSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SweepView } from "../../src/sweeps/sweep-views.js";
import { ROOT } from "../cli/run-cli.js";
import { lockstep } from "../reproduce/reproduce-support.js";
import { git, RunFixture } from "../run/run-support.js";

/**
 * A TPE sweep with early stopping over the real scikit-learn example,
 * committed to its own repository, run by two agents; then one of its trials
 * reproduced by `lockstep reproduce`, which must say `identical`.
 */

const sklearn =
  spawnSync("/usr/bin/python3", ["-c", "import sklearn, numpy"], { stdio: "ignore" }).status === 0;
const fx = new RunFixture();

beforeAll(() => fx.start());
afterAll(() => fx.close());

describe.skipIf(!sklearn && !process.env.CI)("a sweep over examples/python-sklearn", () => {
  it("runs every trial once, ranks them, and reproduces a trial identically", async () => {
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
seed: 11
objective: {metric: test_accuracy, goal: maximize}
budget: {max_trials: 4, max_parallel: 2}
early_stopping: {type: asha, min_resource: 1, reduction_factor: 2}
parameters:
  alpha: {distribution: log_uniform, min: 0.001, max: 0.1}
  epochs: 4
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
    const finished = view.trials.filter((t) => t.status === "FINISHED");
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
  });
});
