import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "../cli/run-cli.js";
import { startTestServer, type TestServer } from "../http/support/test-server.js";

const SCRIPT = fileURLToPath(new URL("./fixtures/mlflow_urllib_client.py", import.meta.url));
const python = spawnSync("python3", ["--version"]).status === 0;
// CI must have Python; a laptop without it may skip.
const describeWithPython = python || process.env.CI === "true" ? describe : describe.skip;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** Runs the script without blocking: the server answers it from this same event loop. */
async function runScript(env: Record<string, string>): Promise<{ runId: string; status: string }> {
  const result = await new Promise<{ status: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        "python3",
        [SCRIPT],
        {
          env: {
            PATH: process.env.PATH ?? "",
            HOME: process.env.HOME ?? "",
            MLFLOW_TRACKING_URI: server.url,
            ...env,
          },
          timeout: 60_000,
        },
        (error, stdout, stderr) =>
          resolve({ status: error ? ((error.code as number) ?? 1) : 0, stdout, stderr }),
      );
    },
  );
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  const out = JSON.parse(result.stdout.trim()) as { run_id: string; status: string };
  return { runId: out.run_id, status: out.status };
}

async function expectLogged(runId: string): Promise<void> {
  const run = (await server.call("GET", `/api/v1/runs/${runId}`)).body.run;
  expect(run).toMatchObject({
    status: "FINISHED",
    endTime: expect.any(Number),
    params: { learning_rate: "0.01", epochs: "5", optimizer: "sgd" },
    tags: expect.objectContaining({ stage: "smoke", framework: "none" }),
    metrics: { loss: 1 / 3, accuracy: 0.9, diverged: "NaN" },
  });
  const loss = await server.call("GET", `/api/v1/runs/${runId}/metrics/loss/history`);
  expect(loss.status).toBe(200);
  expect(loss.body.points.map((p: { step: number }) => p.step)).toEqual([0, 1, 2]);
  const summary = await server.call("GET", `/api/v1/runs/${runId}/artifacts/model/summary.json`);
  expect(summary).toMatchObject({ status: 200, body: { accuracy: 0.9 } });
}

describeWithPython("a stdlib-only Python MLflow client (urllib)", () => {
  it("creates an experiment and a run, logs everything, and Lockstep's API shows it", async () => {
    const { runId, status } = await runScript({
      MLFLOW_EXPERIMENT_NAME: "python-urllib",
      MLFLOW_TRACKING_TOKEN: "secret-token",
    });
    expect(status).toBe("FINISHED");
    await expectLogged(runId);
    const run = (await server.call("GET", `/api/v1/runs/${runId}`)).body.run;
    const experiment = await server.call("GET", `/api/v1/experiments/${run.experimentId}`);
    expect(experiment.body.experiment.name).toBe("python-urllib");
    expect(run.tags["mlflow.source.name"]).toBe("mlflow_urllib_client.py");
  });

  it("attaches to the run named by MLFLOW_RUN_ID, as inside `lockstep run`", async () => {
    const created = await server.call("POST", "/api/v1/runs", {
      json: { experimentName: "wrapped" },
    });
    expect(created.status).toBe(201);
    const wrapping = created.body.run.id as string;
    const { runId } = await runScript({ MLFLOW_RUN_ID: wrapping });
    expect(runId).toBe(wrapping);
    await expectLogged(wrapping);
  });

  it("logs into the wrapping run from inside the real `lockstep run`, next to its capture", async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [
            CLI,
            "--tracking-uri",
            server.url,
            "run",
            "--experiment",
            "wrapped-cli",
            "--seed",
            "7",
            "--",
            "python3",
            SCRIPT,
          ],
          {
            env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
            timeout: 60_000,
          },
          (error, stdout, stderr) =>
            resolve({ code: error ? ((error.code as number) ?? 1) : 0, stdout, stderr }),
        );
      },
    );
    expect(result.code).toBe(0);
    const wrapping = /^lockstep: run ([0-9a-f]{32})$/m.exec(result.stderr)?.[1] ?? "";
    const out = JSON.parse(result.stdout.trim()) as { run_id: string };
    expect(out.run_id).toBe(wrapping);
    await expectLogged(wrapping);
    const run = (await server.call("GET", `/api/v1/runs/${wrapping}`)).body.run;
    expect(run.params.seed).toBe("7");
    expect(run.capture.seed.root).toBe(7);
    expect(run.capture.environment).toBeDefined();
  });
});
