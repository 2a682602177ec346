import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../cli/run-cli.js";
import { git, RunFixture } from "../run/run-support.js";
import { recordAndReproduce } from "./reproduce-support.js";

/**
 * The scikit-learn example of issue 3, committed to its own repository,
 * recorded by `lockstep run` and reproduced: every metric bit for bit and the
 * model summary's digest the same.
 */

const sklearn =
  spawnSync("/usr/bin/python3", ["-c", "import sklearn, numpy"], { stdio: "ignore" }).status === 0;
const fx = new RunFixture();

beforeAll(() => fx.start());
afterAll(() => fx.close());

describe.skipIf(!sklearn && !process.env.CI)("reproducing examples/python-sklearn", () => {
  it("reproduces the example identically", async () => {
    const repo = fx.tempDir();
    mkdirSync(repo, { recursive: true });
    copyFileSync(join(ROOT, "examples/python-sklearn/train.py"), join(repo, "train.py"));
    writeFileSync(join(repo, ".gitignore"), "model-summary.json\n");
    git(repo, "init", "-q");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "example");
    const home = fx.tempDir("lockstep-home-");
    const { result, report } = await recordAndReproduce(fx, home, repo, [
      "--seed",
      "7",
      "--param",
      "epochs=3",
      "--output",
      "model-summary.json",
      "--",
      "/usr/bin/python3",
      "train.py",
      "--out",
      "model-summary.json",
    ]);
    expect(report.verdict, result.stderr).toBe("identical");
    expect(result.code).toBe(0);
    expect(report.metrics.map((m) => [m.key, m.status, m.points])).toEqual([
      ["test_accuracy", "identical", 3],
      ["train_accuracy", "identical", 3],
      ["train_loss", "identical", 3],
    ]);
    expect(report.artifacts).toEqual([
      expect.objectContaining({ path: "model-summary.json", status: "identical" }),
    ]);
  }, 60_000);
});
