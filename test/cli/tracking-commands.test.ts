import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lockstep, type Run } from "../../src/index.js";
import { closedPort, startTestServer, type TestServer } from "../sdk/test-server.js";
import { runCli } from "./run-cli.js";

let server: TestServer;
let scratch: string;
let ls: Lockstep;
const runIds: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  scratch = mkdtempSync(join(tmpdir(), "lockstep-cli-"));
  ls = new Lockstep({ trackingUri: server.url, spoolDir: join(scratch, "spool") });
  for (const [name, acc, lr] of [
    ["low", 0.7, "0.1"],
    ["mid", 0.86, "0.01"],
    ["high", 0.93, "0.01"],
  ] as const) {
    const run = await ls.startRun({
      experiment: "digits",
      name,
      params: { lr },
      tags: { team: "vision" },
    });
    run.logMetric("acc", acc, 1);
    run.logMetric("loss", 1 - acc, 1);
    await run.end();
    runIds.push(run.id);
  }
});

afterAll(async () => {
  await ls.close();
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(["--tracking-uri", server.url, ...args]);

/** The contract for failures: exit 1, nothing on stdout, exactly one `error:` line. */
function expectFailure(
  result: { code: number | null; stdout: string; stderr: string },
  message: string,
) {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toBe(`error: ${message}\n`);
}

describe("lockstep experiments", () => {
  it("create prints the new id and nothing else", async () => {
    const result = await cli("experiments", "create", "cli-made");
    expect(result.code).toBe(0);
    const experiment = await ls.api.getExperimentByName("cli-made");
    expect(result.stdout).toBe(`${experiment.id}\n`);
  });

  it("create fails with the server's message when the name is taken", async () => {
    const body = (await (
      await fetch(`${server.url}/api/v1/experiments`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "digits" }),
      })
    ).json()) as { error: { message: string } };
    expectFailure(await cli("experiments", "create", "digits"), body.error.message);
  });

  it("list prints a table, and --json exactly the experiments", async () => {
    const table = await cli("experiments", "list");
    expect(table.code).toBe(0);
    const [header, ...lines] = table.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^ID\s+NAME\s+CREATED$/);
    expect(lines.some((l) => /^\d+\s+digits\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(l))).toBe(true);
    const json = await cli("experiments", "list", "--json");
    expect(JSON.parse(json.stdout)).toEqual(await ls.api.allExperiments());
    expect(json.stderr).toBe("");
  });
});

describe("lockstep runs list", () => {
  it("--json prints the runs of an experiment, newest first, without capture", async () => {
    const result = await cli("runs", "list", "--experiment", "digits", "--json");
    expect(result.code).toBe(0);
    const runs = JSON.parse(result.stdout) as Run[];
    expect(runs.map((r) => r.id)).toEqual([...runIds].reverse());
    expect(runs.every((r) => r.capture === undefined)).toBe(true);
    expect(runs[0]).toMatchObject({ name: "high", params: { lr: "0.01" }, metrics: { acc: 0.93 } });
  });

  it("filters, orders and limits like MLflow's search", async () => {
    const result = await cli(
      "runs",
      "list",
      "--json",
      "--filter",
      "metrics.acc > 0.8 and params.lr = '0.01'",
      "--order-by",
      "metrics.acc ASC",
    );
    expect((JSON.parse(result.stdout) as Run[]).map((r) => r.name)).toEqual(["mid", "high"]);
    const limited = await cli(
      "runs",
      "list",
      "--json",
      "--order-by",
      "metrics.acc DESC",
      "--max",
      "1",
    );
    expect((JSON.parse(limited.stdout) as Run[]).map((r) => r.name)).toEqual(["high"]);
  });

  it("prints a table with the experiment's name and the key metrics", async () => {
    const result = await cli(
      "runs",
      "list",
      "--experiment",
      "digits",
      "--order-by",
      "metrics.loss",
    );
    expect(result.code).toBe(0);
    const [header, ...lines] = result.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^ID\s+NAME\s+STATUS\s+EXPERIMENT\s+START\s+METRICS$/);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${runIds[2]}\\s+high\\s+FINISHED\\s+digits\\s+\\S+ \\S+\\s+loss=0\\.07 acc=0\\.93$`,
      ),
    );
  });

  it("fails with the server's message on a bad filter", async () => {
    const response = await fetch(`${server.url}/api/v1/runs/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ filter: "metrics.acc >>> 1" }),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string } };
    expectFailure(await cli("runs", "list", "--filter", "metrics.acc >>> 1"), error.message);
  });

  it("fails on an unknown experiment", async () => {
    const result = await cli("runs", "list", "--experiment", "no-such-experiment");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*no-such-experiment.*\n$/);
  });
});

describe("lockstep runs show", () => {
  it("--json prints exactly the run object", async () => {
    const result = await cli("runs", "show", runIds[1] as string, "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(await ls.getRun(runIds[1] as string));
  });

  it("prints a readable summary", async () => {
    const result = await cli("runs", "show", runIds[0] as string);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^run\\s+${runIds[0]}$`, "m"));
    expect(result.stdout).toMatch(/^experiment\s+digits \(\d+\)$/m);
    expect(result.stdout).toMatch(/^status\s+FINISHED$/m);
    expect(result.stdout).toMatch(/^params\n(?:\s+.+\n)*\s+lr\s+0\.1$/m);
    expect(result.stdout).toMatch(/^metrics\n\s+acc\s+0\.7\n\s+loss\s+0\.3$/m);
  });

  it("fails with the server's message for an unknown run", async () => {
    const id = "0".repeat(32);
    const response = await fetch(`${server.url}/api/v1/runs/${id}`);
    const { error } = (await response.json()) as { error: { message: string } };
    expectFailure(await cli("runs", "show", id), error.message);
  });
});

describe("where the server is", () => {
  it("says so in one line when nothing listens", async () => {
    const port = await closedPort();
    const result = await runCli([
      "experiments",
      "list",
      "--tracking-uri",
      `http://127.0.0.1:${port}`,
    ]);
    expectFailure(
      result,
      `cannot reach the tracking server at http://127.0.0.1:${port} (connection refused)`,
    );
  });

  it("takes LOCKSTEP_TRACKING_URI, then MLFLOW_TRACKING_URI; the flag wins over both", async () => {
    const port = await closedPort();
    const dead = `http://127.0.0.1:${port}`;
    const json = ["experiments", "list", "--json"];
    expect((await runCli(json, { LOCKSTEP_TRACKING_URI: server.url })).code).toBe(0);
    expect((await runCli(json, { MLFLOW_TRACKING_URI: server.url })).code).toBe(0);
    const both = await runCli(json, {
      LOCKSTEP_TRACKING_URI: dead,
      MLFLOW_TRACKING_URI: server.url,
    });
    expect(both.code).toBe(1);
    const flag = await runCli(["--tracking-uri", server.url, ...json], {
      LOCKSTEP_TRACKING_URI: dead,
    });
    expect(flag.code).toBe(0);
  });

  it("--verbose adds the cause and the stack after the error line", async () => {
    const port = await closedPort();
    const result = await runCli([
      "--verbose",
      "experiments",
      "list",
      "--tracking-uri",
      `http://127.0.0.1:${port}`,
    ]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^error: cannot reach the tracking server .*\(connection refused\)$/);
    expect(lines.length).toBeGreaterThan(3);
    expect(result.stderr).toMatch(/ECONNREFUSED/);
  });

  it("rejects a tracking URI that is not http(s)", async () => {
    expectFailure(
      await runCli(["experiments", "list", "--tracking-uri", "ftp://x"]),
      "invalid tracking URI 'ftp://x': only http and https are supported",
    );
  });
});

describe("help and version", () => {
  it("exit 0 when asked for, on stdout", async () => {
    const version = await runCli(["--version"]);
    expect(version).toMatchObject({ code: 0, stderr: "" });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await runCli(["help", "runs"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: lockstep runs/);
  });
});

describe("usage errors exit 2 with an error: line", () => {
  it.each([
    [["runs", "list", "--bogus"], /^error: unknown option '--bogus'/],
    [["runs", "list", "--max", "0"], /^error: option '--max <n>' argument '0' is invalid/],
    [["runs", "show"], /^error: missing required argument 'run'/],
    [["frobnicate"], /^error: unknown command 'frobnicate'/],
    [["server", "--port", "http"], /^error: option '--port <port>' argument 'http' is invalid/],
  ])("lockstep %j", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  });
});
