import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveModelForRun } from "../../src/cli/run/model-input.js";
import { Lockstep } from "../../src/index.js";
import { startTestServer, type TestServer } from "../sdk/test-server.js";
import { runCli } from "./run-cli.js";

let server: TestServer;
let scratch: string;
let ls: Lockstep;
const trainRuns: string[] = [];

/** A training run that logs model/weights.txt (and a config) as artifacts. */
async function train(weights: string): Promise<string> {
  const run = await ls.startRun({ experiment: "models-cli", name: `train-${weights}` });
  const dir = join(scratch, `model-${weights}`);
  mkdirSync(join(dir, "cfg"), { recursive: true });
  writeFileSync(join(dir, "weights.txt"), weights);
  writeFileSync(join(dir, "cfg", "params.json"), '{"lr":0.1}');
  await run.logArtifact(join(dir, "weights.txt"), "model/weights.txt");
  await run.logArtifact(join(dir, "cfg", "params.json"), "model/cfg/params.json");
  run.logMetric("acc", 0.9, 1);
  await run.end();
  return run.id;
}

beforeAll(async () => {
  server = await startTestServer();
  scratch = mkdtempSync(join(tmpdir(), "lockstep-models-cli-"));
  ls = new Lockstep({ trackingUri: server.url, spoolDir: join(scratch, "spool") });
  for (const w of ["w1", "w2", "w3"]) trainRuns.push(await train(w));
});

afterAll(async () => {
  await ls.close();
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  runCli(["--tracking-uri", server.url, ...args], { LOCKSTEP_USER: "ada" });

function expectFailure(
  result: { code: number | null; stdout: string; stderr: string },
  message: RegExp,
) {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^error: [^\n]+\n$/);
  expect(result.stderr).toMatch(message);
}

describe("lockstep models", () => {
  it("registers, lists, aliases, rolls back twice and downloads verified files", async () => {
    for (const [i, runId] of trainRuns.entries()) {
      const r = await cli("models", "register", "digits-clf", "--run", runId, "--path", "model/");
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${i + 1}\n`);
    }
    for (const v of ["1", "2", "3"])
      expect((await cli("models", "alias", "digits-clf", "production", v)).code).toBe(0);

    const versions = await cli("models", "versions", "digits-clf", "--json");
    expect(versions.code).toBe(0);
    const parsed = JSON.parse(versions.stdout);
    expect(
      parsed.map((v: { version: number; runId: string; aliases: string[] }) => [
        v.version,
        v.runId,
        v.aliases,
      ]),
    ).toEqual([
      [3, trainRuns[2], ["production"]],
      [2, trainRuns[1], []],
      [1, trainRuns[0], []],
    ]);
    expect(parsed[0].digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Candidates compare by their source runs' metrics, in JSON and in the table.
    expect(parsed.map((v: { metrics: unknown }) => v.metrics)).toEqual([
      { acc: 0.9 },
      { acc: 0.9 },
      { acc: 0.9 },
    ]);
    const table = await cli("models", "versions", "digits-clf");
    expect(table.stdout).toMatch(/^VERSION\s+ALIASES\s+RUN\s+DIGEST\s+CREATED\s+METRICS\n/);
    expect(table.stdout).toMatch(new RegExp(`\n3\\s+production\\s+${trainRuns[2]}\\s.*acc=0\\.9`));

    const list = await cli("models", "list");
    expect(list.stdout).toMatch(/digits-clf\s+3\s+production=3/);

    const back = await cli("models", "rollback", "digits-clf", "production");
    expect(back.stdout).toBe("digits-clf@production -> 2 (was 3)\n");
    expect((await cli("models", "rollback", "digits-clf", "production")).stdout).toBe(
      "digits-clf@production -> 1 (was 2)\n",
    );
    expectFailure(
      await cli("models", "rollback", "digits-clf", "production"),
      /no earlier version to roll back to/,
    );

    const history = await ls.api.http.json<{ history: { user: string }[] }>({
      method: "GET",
      path: "/api/v1/models/digits-clf/aliases/production/history",
    });
    expect(history.history.every((m) => m.user === "ada")).toBe(true);

    const out = join(scratch, "got");
    const got = await cli("models", "get", "models:/digits-clf@production", out);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toBe(`digits-clf v1: 2 files -> ${out}\n`);
    expect(readFileSync(join(out, "weights.txt"), "utf8")).toBe("w1");
    expect(readFileSync(join(out, "cfg", "params.json"), "utf8")).toBe('{"lr":0.1}');
    const byNumber = await cli("models", "get", "models:/digits-clf/3", join(scratch, "got3"));
    expect(byNumber.code).toBe(0);
    expect(readFileSync(join(scratch, "got3", "weights.txt"), "utf8")).toBe("w3");
  });

  it("fails with one error line on unknown models, aliases, versions, bad refs and bad paths", async () => {
    await cli(
      "models",
      "register",
      "bad-inputs",
      "--run",
      trainRuns[0] as string,
      "--path",
      "model",
    );
    expectFailure(
      await cli("models", "versions", "no-such-model"),
      /registered model "no-such-model" not found/,
    );
    expectFailure(
      await cli("models", "get", "models:/bad-inputs@nope", join(scratch, "x")),
      /has no alias "nope"/,
    );
    expectFailure(
      await cli("models", "get", "models:/bad-inputs/7", join(scratch, "x")),
      /has no version 7/,
    );
    expectFailure(
      await cli("models", "get", "bad-inputs@prod", join(scratch, "x")),
      /invalid model reference/,
    );
    expectFailure(
      await cli("models", "rollback", "bad-inputs", "never-set"),
      /has no alias "never-set"/,
    );
    expectFailure(
      await cli("models", "alias", "bad-inputs", "latest", "1"),
      /invalid alias "latest": is reserved/,
    );
    expectFailure(await cli("models", "alias", "bad-inputs", "prod", "5"), /has no version 5/);
    expectFailure(
      await cli(
        "models",
        "register",
        "bad-inputs",
        "--run",
        trainRuns[0] as string,
        "--path",
        "not-there",
      ),
      /has no artifact at "not-there"/,
    );
    expectFailure(
      await cli(
        "models",
        "register",
        "fresh",
        "--run",
        "0123456789abcdef0123456789abcdef",
        "--path",
        "model",
      ),
      /not found/,
    );
    // Nothing was stored by the failed registration.
    expectFailure(await cli("models", "versions", "fresh"), /registered model "fresh" not found/);
    expectFailure(
      await cli(
        "models",
        "register",
        "bad-inputs",
        "--run",
        "0123456789abcdef0123456789abcdef",
        "--path",
        "model",
      ),
      /run "0123456789abcdef0123456789abcdef" not found/,
    );
    expectFailure(await cli("models", "alias", "no-such-model", "prod", "1"), /not found/);
    expectFailure(await cli("models", "rollback", "no-such-model", "prod"), /not found/);
    const kept = JSON.parse((await cli("models", "versions", "bad-inputs", "--json")).stdout);
    expect(kept.map((v: { version: number }) => v.version)).toEqual([1]);
    expect((await cli("models", "alias", "bad-inputs", "prod", "x")).code).toBe(2);
  });

  it("resolveModelForRun downloads into a cache once and returns the input to record", async () => {
    await cli(
      "models",
      "register",
      "for-run",
      "--run",
      trainRuns[1] as string,
      "--path",
      "model/weights.txt",
    );
    const cache = join(scratch, "cache");
    const first = await resolveModelForRun(ls.api, "models:/for-run/1", cache);
    expect(readFileSync(join(first.dir, "weights.txt"), "utf8")).toBe("w2");
    expect(first.io).toEqual({
      kind: "model",
      name: "for-run",
      version: "1",
      digest: expect.stringMatching(/^sha256:/),
      context: "inference",
    });
    writeFileSync(join(first.dir, "marker"), "kept");
    const second = await resolveModelForRun(ls.api, "models:/for-run/latest", cache);
    expect(second.dir).toBe(first.dir);
    expect(readFileSync(join(second.dir, "marker"), "utf8")).toBe("kept");
    await expect(resolveModelForRun(ls.api, "models:/for-run@prod", cache)).rejects.toThrow(
      /no alias/,
    );
    const digest = createHash("sha256").update("w2").digest("hex");
    const version = await ls.api.http.json<{ version: { files: { digest: string }[] } }>({
      method: "GET",
      path: "/api/v1/models/for-run/versions/1",
    });
    expect(version.version.files[0]?.digest).toBe(`sha256:${digest}`);
  });
});

describe("lockstep lineage", () => {
  it("walks from a model reference to its training run and commit, and on to inference runs", async () => {
    const trainId = trainRuns[0] as string;
    await ls.api.http.json({
      method: "PUT",
      path: `/api/v1/runs/${trainId}/capture`,
      body: {
        code: { commit: "abcdef0123456789abcdef0123456789abcdef01", branch: "main", dirty: true },
      },
    });
    await cli("models", "register", "lineage-clf", "--run", trainId, "--path", "model");
    await cli("models", "alias", "lineage-clf", "production", "1");
    const inference = await ls.startRun({ experiment: "models-cli", name: "predict" });
    const { io } = await resolveModelForRun(
      ls.api,
      "models:/lineage-clf@production",
      join(scratch, "cache2"),
    );
    await ls.api.http.json({
      method: "POST",
      path: `/api/v1/runs/${inference.id}/io`,
      body: { inputs: [io] },
    });
    await inference.end();

    const result = await cli("lineage", "models:/lineage-clf@production", "--json");
    expect(result.code, result.stderr).toBe(0);
    const graph = JSON.parse(result.stdout);
    expect(Object.keys(graph)).toEqual(["nodes", "edges"]);
    expect(graph.nodes).toEqual(
      expect.arrayContaining([
        { id: "model:lineage-clf/1", type: "model_version", label: "lineage-clf v1 [production]" },
        expect.objectContaining({
          id: `run:${trainId}`,
          type: "run",
          label: "train-w1 (train, FINISHED)",
        }),
        expect.objectContaining({
          id: `run:${inference.id}`,
          type: "run",
          label: "predict (train, FINISHED)",
        }),
        {
          id: "commit:abcdef0123456789abcdef0123456789abcdef01",
          type: "commit",
          label: "abcdef012345 (main) +diff",
        },
      ]),
    );
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { from: `run:${trainId}`, to: "model:lineage-clf/1", kind: "registered" },
        { from: "model:lineage-clf/1", to: `run:${inference.id}`, kind: "input" },
        {
          from: "commit:abcdef0123456789abcdef0123456789abcdef01",
          to: `run:${trainId}`,
          kind: "code",
        },
      ]),
    );

    const text = await cli("lineage", trainId);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^run train-w1 \(train, FINISHED\)\n( {3}\w+: .*\n)*upstream:\n {2}<- code: commit abcdef012345/,
    );
    expect(text.stdout).toMatch(
      /downstream:\n(.|\n)*-> registered: model version lineage-clf v1 \[production\]\n\s+-> input: run predict/,
    );

    expectFailure(await cli("lineage", "models:/lineage-clf@nope"), /has no alias "nope"/);
    expectFailure(await cli("lineage", "0123456789abcdef0123456789abcdef"), /not found/);
    expectFailure(await cli("lineage", "no-such-dataset@v1"), /.+/);
  });
});
