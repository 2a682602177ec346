import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, nodeCommand, RunFixture } from "./run-support.js";

const fx = new RunFixture();
beforeAll(() => fx.start());
afterAll(() => fx.close());

const SECRETS = {
  GITHUB_TOKEN: "ghp_S3cretGithubTokenValue0123456789abcd",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY-41",
  DB_PASSWORD: "correct-horse-battery-staple-9731",
  // Allow-listed prefixes do not let a secret-looking name through either.
  MLFLOW_TRACKING_PASSWORD: "mlflow-pass-value-5519",
  LOCKSTEP_API_TOKEN: "lockstep-token-value-2286",
};

/** Every file below `dir`, as bytes. */
function allFiles(dir: string): Array<{ path: string; bytes: Buffer }> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path, bytes: readFileSync(path) };
    });
}

describe("lockstep run: secrets", () => {
  it("never stores a variable whose name looks like a secret, though the command gets it", async () => {
    const repo = fx.tempDir("lockstep-secret-repo-");
    git(repo, "init", "-q");
    writeFileSync(join(repo, "train.py"), "print(1)\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "first");
    writeFileSync(join(repo, "train.py"), "print(2)\n"); // dirty: a patch is stored too
    const check = `
      const names = ${JSON.stringify(Object.keys(SECRETS))};
      const missing = names.filter((n) => !process.env[n]);
      console.log(missing.length === 0 ? "all secrets present" : "missing " + missing);
      require("node:fs").appendFileSync(process.env.LOCKSTEP_METRICS_FILE, '{"key":"acc","value":0.9,"step":1}\\n');`;
    const result = await fx.wrap(
      ["--param", "lr=0.1", "--output", "train.py", "--", ...nodeCommand(check)],
      { cwd: repo, env: { ...SECRETS, LOCKSTEP_SYSTEM_METRICS_INTERVAL_MS: "100" } },
    );
    expect(result.stdout).toBe("all secrets present\n");
    expect(result.code).toBe(0);

    const run = await fx.getRun(result.runId);
    const runJson = JSON.stringify(run);
    // The record is there (so the search below searches something real).
    expect(runJson).toContain("PYTHONHASHSEED");
    expect(runJson).toContain("lockstep.exit.code");
    expect(await fx.artifact(result.runId, "lockstep/code.patch")).toBeDefined();

    // Stop the server so that SQLite's WAL is folded in, then search every byte it wrote.
    await fx.server.stop();
    const files = allFiles(fx.server.dir);
    expect(files.some((f) => f.path.endsWith("lockstep.db"))).toBe(true);
    // A control: what was recorded is found by this very search.
    expect(files.some((f) => f.bytes.includes("TF_DETERMINISTIC_OPS"))).toBe(true);
    expect(files.some((f) => f.bytes.includes("print(2)"))).toBe(true);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(runJson, name).not.toContain(value);
      for (const file of files) {
        expect(file.bytes.includes(value), `${name} in ${file.path}`).toBe(false);
      }
    }
    await fx.server.restart();
  });
});
