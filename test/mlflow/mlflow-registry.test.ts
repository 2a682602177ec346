import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { startTestServer, type TestServer } from "../http/support/test-server.js";
import { API, expectMlflowError, mlflowClient } from "./support/mlflow-test-client.js";

let server: TestServer;
let mlflow: ReturnType<typeof mlflowClient>;
let runId: string;
let experimentId: string;

beforeAll(async () => {
  server = await startTestServer();
  mlflow = mlflowClient(server);
  experimentId = await mlflow.createExperiment("registry");
  runId = await mlflow.createRun(experimentId);
  for (const [path, body] of [
    ["model/MLmodel", "flavors: {}"],
    ["model/model.pkl", "bytes"],
  ]) {
    const put = await server.call(
      "PUT",
      `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${path}`,
      {
        raw: body,
      },
    );
    expect(put.status).toBe(200);
  }
});
afterAll(async () => {
  await server?.close();
});

/** DELETE with a JSON body, as MLflow's clients send it. */
const del = (path: string, json: unknown) => server.call("DELETE", `${API}/${path}`, { json });
const patch = (path: string, json: unknown) => server.call("PATCH", `${API}/${path}`, { json });

describe("MLflow model registry routes", () => {
  it("creates, gets, searches, renames and deletes registered models", async () => {
    const created = await mlflow.ok("registered-models/create", {
      name: "rm-a",
      description: "first",
      tags: [{ key: "team", value: "vision" }],
    });
    expect(created.registered_model).toMatchObject({
      name: "rm-a",
      description: "first",
      tags: [{ key: "team", value: "vision" }],
      latest_versions: [],
      aliases: [],
    });
    expectMlflowError(
      await mlflow.post("registered-models/create", { name: "rm-a" }),
      400,
      "RESOURCE_ALREADY_EXISTS",
    );
    const got = await mlflow.get("registered-models/get", { name: "rm-a" });
    expect(got.body.registered_model.name).toBe("rm-a");
    expectMlflowError(
      await mlflow.get("registered-models/get", { name: "nope" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );

    const search = await mlflow.get("registered-models/search", {
      filter: "name LIKE 'rm-%'",
      max_results: 10,
    });
    expect(search.body.registered_models.map((m: { name: string }) => m.name)).toEqual(["rm-a"]);
    expectMlflowError(
      await mlflow.get("registered-models/search", { filter: "bogus ~ 1" }),
      400,
      "INVALID_PARAMETER_VALUE",
    );

    expect(
      (await patch("registered-models/update", { name: "rm-a", description: "second" })).body
        .registered_model.description,
    ).toBe("second");
    await mlflow.ok("registered-models/set-tag", { name: "rm-a", key: "k", value: "v" });
    expect((await del("registered-models/delete-tag", { name: "rm-a", key: "k" })).status).toBe(
      200,
    );
    expectMlflowError(
      await del("registered-models/delete-tag", { name: "rm-a", key: "k" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );

    const renamed = await mlflow.ok("registered-models/rename", { name: "rm-a", new_name: "rm-b" });
    expect(renamed.registered_model.name).toBe("rm-b");
    expect((await del("registered-models/delete", { name: "rm-b" })).status).toBe(200);
    expectMlflowError(
      await mlflow.get("registered-models/get", { name: "rm-b" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
  });

  it("creates model versions from runs:/ and mlflow-artifacts: sources, version as a string", async () => {
    await mlflow.ok("registered-models/create", { name: "mv" });
    const v1 = await mlflow.ok("model-versions/create", {
      name: "mv",
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    expect(v1.model_version).toMatchObject({
      name: "mv",
      version: "1",
      status: "READY",
      current_stage: "None",
      run_id: runId,
      source: `runs:/${runId}/model`,
      aliases: [],
    });
    const v2 = await mlflow.ok("model-versions/create", {
      name: "mv",
      source: `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model`,
      run_id: runId,
    });
    expect(v2.model_version.version).toBe("2");
    const got = await mlflow.get("model-versions/get", { name: "mv", version: "2" });
    expect(got.body.model_version.version).toBe("2");
    expectMlflowError(
      await mlflow.get("model-versions/get", { name: "mv", version: "9" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectMlflowError(
      await mlflow.get("model-versions/get", { name: "mv", version: "x" }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expectMlflowError(
      await mlflow.post("model-versions/create", { name: "mv", source: "s3://bucket/elsewhere" }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expectMlflowError(
      await mlflow.post("model-versions/create", {
        name: "not-created",
        source: `runs:/${runId}/model`,
      }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectMlflowError(
      await mlflow.post("model-versions/create", { name: "mv", source: `runs:/${runId}/missing` }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );

    const uri = await mlflow.get("model-versions/get-download-uri", { name: "mv", version: "1" });
    expect(uri.body).toEqual({
      artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model`,
    });

    const search = await mlflow.get("model-versions/search", {
      filter: `name = 'mv' and run_id = '${runId}'`,
    });
    expect(search.body.model_versions.map((v: { version: string }) => v.version)).toEqual([
      "2",
      "1",
    ]);

    const updated = await patch("model-versions/update", {
      name: "mv",
      version: "1",
      description: "d",
    });
    expect(updated.body.model_version.description).toBe("d");
    const staged = await mlflow.ok("model-versions/transition-stage", {
      name: "mv",
      version: "1",
      stage: "Production",
      archive_existing_versions: false,
    });
    expect(staged.model_version.current_stage).toBe("Production");
    const latest = await mlflow.ok("registered-models/get-latest-versions", {
      name: "mv",
      stages: ["Production"],
    });
    expect(latest.model_versions.map((v: { version: string }) => v.version)).toEqual(["1"]);

    await mlflow.ok("model-versions/set-tag", { name: "mv", version: "2", key: "k", value: "v" });
    expect(
      (await mlflow.get("model-versions/get", { name: "mv", version: "2" })).body.model_version
        .tags,
    ).toEqual([{ key: "k", value: "v" }]);
    expect(
      (await del("model-versions/delete-tag", { name: "mv", version: "2", key: "k" })).status,
    ).toBe(200);
  });

  it("sets, gets and deletes aliases with MLflow's rules; an aliased version cannot be deleted", async () => {
    await mlflow.ok("registered-models/create", { name: "al" });
    await mlflow.ok("model-versions/create", { name: "al", source: `runs:/${runId}/model` });
    expect(
      await mlflow.ok("registered-models/alias", { name: "al", alias: "champion", version: "1" }),
    ).toEqual({});
    const got = await mlflow.get("registered-models/alias", { name: "al", alias: "champion" });
    expect(got.body.model_version).toMatchObject({
      name: "al",
      version: "1",
      aliases: ["champion"],
    });
    expect(
      (await mlflow.get("registered-models/get", { name: "al" })).body.registered_model.aliases,
    ).toEqual([{ alias: "champion", version: "1" }]);
    for (const alias of ["latest", "v1", "bad alias", "x".repeat(256)]) {
      expectMlflowError(
        await mlflow.post("registered-models/alias", { name: "al", alias, version: "1" }),
        400,
        "INVALID_PARAMETER_VALUE",
      );
    }
    expectMlflowError(
      await del("model-versions/delete", { name: "al", version: "1" }),
      409,
      "RESOURCE_CONFLICT",
    );
    expect((await del("registered-models/alias", { name: "al", alias: "champion" })).status).toBe(
      200,
    );
    expectMlflowError(
      await mlflow.get("registered-models/alias", { name: "al", alias: "champion" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expect((await del("model-versions/delete", { name: "al", version: "1" })).status).toBe(200);
  });

  it("pages registered-models/search with opaque tokens and refuses too large a page", async () => {
    for (const name of ["pg-a", "pg-b", "pg-c"])
      await mlflow.ok("registered-models/create", { name });
    const names: string[] = [];
    let token: string | undefined;
    do {
      const res = await mlflow.get("registered-models/search", {
        filter: "name LIKE 'pg-%'",
        max_results: 2,
        page_token: token,
      });
      expect(res.status).toBe(200);
      names.push(...res.body.registered_models.map((m: { name: string }) => m.name));
      token = res.body.next_page_token;
    } while (token);
    expect(names).toEqual(["pg-a", "pg-b", "pg-c"]);
    expectMlflowError(
      await mlflow.get("registered-models/search", { max_results: 1001 }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });

  it("shares one registry with the lockstep CLI", async () => {
    await mlflow.ok("registered-models/create", { name: "shared" });
    await mlflow.ok("model-versions/create", { name: "shared", source: `runs:/${runId}/model` });
    await mlflow.ok("model-versions/create", { name: "shared", source: `runs:/${runId}/model` });
    const cli = (...args: string[]) => runCli(["--tracking-uri", server.url, ...args]);
    const alias = await cli("models", "alias", "shared", "production", "2");
    expect(alias.code, alias.stderr).toBe(0);
    const got = await mlflow.get("registered-models/alias", {
      name: "shared",
      alias: "production",
    });
    expect(got.body.model_version.version).toBe("2");
    const versions = await cli("models", "versions", "shared", "--json");
    expect(versions.code, versions.stderr).toBe(0);
    expect(JSON.parse(versions.stdout)).toEqual([
      expect.objectContaining({
        version: 2,
        runId,
        aliases: ["production"],
        digest: expect.stringMatching(/^sha256:/),
      }),
      expect.objectContaining({ version: 1, runId, aliases: [] }),
    ]);
  });
});
