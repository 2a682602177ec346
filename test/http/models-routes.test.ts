import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { serverForThisFile } from "./support/test-server.js";

const server = serverForThisFile();

const UNKNOWN_RUN = "0123456789abcdef0123456789abcdef";
const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

async function runWithModel(files: Record<string, string>): Promise<string> {
  const run = await server.call("POST", "/api/v1/runs", {
    json: { experimentName: "models-http" },
  });
  const id = run.body.run.id as string;
  for (const [path, content] of Object.entries(files)) {
    const put = await server.call("PUT", `/api/v1/runs/${id}/artifacts/${path}`, { raw: content });
    expect(put.status).toBe(201);
  }
  return id;
}

describe("/api/v1/models", () => {
  it("registers a folder, pins its files, and keeps them when the run's artifacts change", async () => {
    const runId = await runWithModel({
      "model/w.bin": "weights-1",
      "model/cfg/a.json": "{}",
      "other.txt": "x",
    });
    const created = await server.call("POST", "/api/v1/models/pinned/versions", {
      json: { runId, path: "model/" },
    });
    expect(created.status).toBe(201);
    expect(created.body.version).toMatchObject({
      name: "pinned",
      version: 1,
      runId,
      sourcePath: "model",
      status: "READY",
      aliases: [],
      files: [
        { path: "cfg/a.json", digest: sha("{}"), size: 2 },
        { path: "w.bin", digest: sha("weights-1"), size: 9 },
      ],
    });
    // Replacing the run's artifact does not change the version.
    await server.call("PUT", `/api/v1/runs/${runId}/artifacts/model/w.bin`, { raw: "weights-2" });
    const file = await server.call("GET", "/api/v1/models/pinned/versions/1/files/w.bin");
    expect(file.status).toBe(200);
    expect(file.body).toBe("weights-1");
    expect(file.headers.get("x-content-digest")).toBe(sha("weights-1"));
    const run = await server.call("GET", `/api/v1/runs/${runId}`);
    expect(run.body.run.outputs).toEqual([
      {
        kind: "model",
        name: "pinned",
        version: "1",
        digest: created.body.version.digest,
        context: "registered",
      },
    ]);
  });

  it("registers a single file under its base name", async () => {
    const runId = await runWithModel({ "out/model.pkl": "pickle" });
    const created = await server.call("POST", "/api/v1/models/single/versions", {
      json: { runId, path: "out/model.pkl" },
    });
    expect(created.body.version.files).toEqual([
      { path: "model.pkl", digest: sha("pickle"), size: 6 },
    ]);
  });

  it("refuses a missing run or a path that is not among its artifacts, storing nothing", async () => {
    const runId = await runWithModel({ "model/w.bin": "w" });
    const noRun = await server.call("POST", "/api/v1/models/ghost/versions", {
      json: { runId: UNKNOWN_RUN, path: "model" },
    });
    expect(noRun.status).toBe(404);
    expect(noRun.body).toEqual({
      error: { code: "NOT_FOUND", message: `run "${UNKNOWN_RUN}" not found` },
    });
    const noPath = await server.call("POST", "/api/v1/models/ghost/versions", {
      json: { runId, path: "nope" },
    });
    expect(noPath.status).toBe(404);
    expect(noPath.body.error.message).toBe(`run ${runId} has no artifact at "nope"`);
    const badPath = await server.call("POST", "/api/v1/models/ghost/versions", {
      json: { runId, path: "../x" },
    });
    expect(badPath.status).toBe(400);
    expect((await server.call("GET", "/api/v1/models/ghost")).status).toBe(404);
  });

  it("moves aliases, resolves references, rolls back and refuses deleting an aliased version", async () => {
    const runId = await runWithModel({ "m/w": "a" });
    for (let i = 0; i < 3; i++) {
      await server.call("POST", "/api/v1/models/clf/versions", { json: { runId, path: "m" } });
    }
    const set = (version: number) =>
      server.call("PUT", "/api/v1/models/clf/aliases/production", {
        json: { version, user: "ada" },
      });
    expect((await set(1)).body.move).toMatchObject({
      fromVersion: null,
      toVersion: 1,
      kind: "set",
      user: "ada",
    });
    await set(3);
    const resolved = await server.call(
      "GET",
      `/api/v1/models/resolve?ref=${encodeURIComponent("models:/clf@production")}`,
    );
    expect(resolved.body.version).toMatchObject({ version: 3, aliases: ["production"] });
    const byNumber = await server.call(
      "GET",
      `/api/v1/models/resolve?ref=${encodeURIComponent("models:/clf/2")}`,
    );
    expect(byNumber.body.version.version).toBe(2);

    const refused = await server.call("DELETE", "/api/v1/models/clf/versions/3");
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("CONFLICT");

    const rolled = await server.call("POST", "/api/v1/models/clf/aliases/production/rollback", {
      json: {},
    });
    expect(rolled.body.move).toMatchObject({
      fromVersion: 3,
      toVersion: 1,
      kind: "rollback",
      user: "unknown",
    });
    const again = await server.call("POST", "/api/v1/models/clf/aliases/production/rollback", {
      json: {},
    });
    expect(again.status).toBe(400);
    expect(again.body.error.message).toBe(
      'alias "production" of model "clf" has no earlier version to roll back to',
    );
    const history = await server.call("GET", "/api/v1/models/clf/aliases/production/history");
    expect(history.body.history.map((m: { toVersion: number }) => m.toVersion)).toEqual([1, 3, 1]);

    expect((await server.call("DELETE", "/api/v1/models/clf/versions/3")).status).toBe(200);
    const list = await server.call("GET", "/api/v1/models/clf/versions");
    expect(list.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it("answers bad names, aliases and references with one clear 4xx", async () => {
    const runId = await runWithModel({ "m/w": "a" });
    await server.call("POST", "/api/v1/models/names/versions", { json: { runId, path: "m" } });
    const reserved = await server.call("PUT", "/api/v1/models/names/aliases/latest", {
      json: { version: 1 },
    });
    expect(reserved.status).toBe(400);
    expect(reserved.body.error.message).toBe('invalid alias "latest": is reserved');
    expect(
      (await server.call("PUT", "/api/v1/models/names/aliases/v2", { json: { version: 1 } }))
        .status,
    ).toBe(400);
    const missingVersion = await server.call("PUT", "/api/v1/models/names/aliases/prod", {
      json: { version: 9 },
    });
    expect(missingVersion.status).toBe(404);
    expect(missingVersion.body.error.message).toBe('model "names" has no version 9');
    const unknownAlias = await server.call(
      "GET",
      `/api/v1/models/resolve?ref=${encodeURIComponent("models:/names@nope")}`,
    );
    expect(unknownAlias.status).toBe(404);
    expect(unknownAlias.body.error.message).toBe('model "names" has no alias "nope"');
    const badRef = await server.call("GET", "/api/v1/models/resolve?ref=names@prod");
    expect(badRef.status).toBe(400);
    expect((await server.call("GET", "/api/v1/models/unknown-model/versions")).status).toBe(404);
    const create = await server.call("POST", "/api/v1/models", { json: { name: "names" } });
    expect(create.status).toBe(409);
  });

  it("lists models with aliases and latest versions, and versions with their run's metrics", async () => {
    const runId = await runWithModel({ "m/w": "a" });
    const logged = await server.call("POST", `/api/v1/runs/${runId}/batch`, {
      json: { metrics: [{ key: "acc", value: 0.9, step: 1 }] },
    });
    expect(logged.status).toBe(200);
    await server.call("POST", "/api/v1/models/listed/versions", { json: { runId, path: "m" } });
    await server.call("PUT", "/api/v1/models/listed/aliases/staging", { json: { version: 1 } });
    const models = await server.call("GET", "/api/v1/models?filter=name%20LIKE%20'list%25'");
    expect(models.body.models).toEqual([
      expect.objectContaining({ name: "listed", latestVersion: 1, aliases: { staging: 1 } }),
    ]);
    const versions = await server.call("GET", "/api/v1/models/listed/versions");
    expect(versions.body.versions[0].runMetrics).toEqual({ acc: 0.9 });
  });

  it("answers unknown models, versions and aliases with a 404 JSON error and stores nothing", async () => {
    const runId = await runWithModel({ "m/w": "a" });
    await server.call("POST", "/api/v1/models/known/versions", { json: { runId, path: "m" } });
    const notFound = (message: string) => ({ error: { code: "NOT_FOUND", message } });
    const cases: Array<[string, string, unknown, string]> = [
      ["GET", "/api/v1/models/nope", undefined, 'registered model "nope" not found'],
      ["GET", "/api/v1/models/nope/versions", undefined, 'registered model "nope" not found'],
      ["GET", "/api/v1/models/known/versions/2", undefined, 'model "known" has no version 2'],
      [
        "GET",
        "/api/v1/models/known/versions/1/files/nope",
        undefined,
        'version 1 of model "known" has no file "nope"',
      ],
      [
        "PUT",
        "/api/v1/models/nope/aliases/prod",
        { version: 1 },
        'registered model "nope" not found',
      ],
      [
        "POST",
        "/api/v1/models/known/aliases/prod/rollback",
        {},
        'model "known" has no alias "prod"',
      ],
      ["DELETE", "/api/v1/models/known/aliases/prod", {}, 'model "known" has no alias "prod"'],
      [
        "GET",
        "/api/v1/models/resolve?ref=models%3A%2Fnope%40prod",
        undefined,
        'registered model "nope" not found',
      ],
      [
        "GET",
        "/api/v1/models/resolve?ref=models%3A%2Fknown%2F3",
        undefined,
        'model "known" has no version 3',
      ],
      [
        "GET",
        "/api/v1/lineage?ref=models%3A%2Fknown%40prod",
        undefined,
        'model "known" has no alias "prod"',
      ],
    ];
    for (const [method, path, json, message] of cases) {
      const response = await server.call(method, path, json === undefined ? {} : { json });
      expect([path, response.status, response.body]).toEqual([path, 404, notFound(message)]);
    }
    // Registering into an existing model from a missing run or a missing path adds no version.
    for (const json of [
      { runId: UNKNOWN_RUN, path: "m" },
      { runId, path: "m/missing" },
    ]) {
      const refused = await server.call("POST", "/api/v1/models/known/versions", { json });
      expect(refused.status).toBe(404);
    }
    const model = await server.call("GET", "/api/v1/models/known");
    expect(model.body.model).toMatchObject({ latestVersion: 1, aliases: {} });
    const listed = await server.call("GET", "/api/v1/models/known/versions");
    expect(listed.body.versions.map((v: { version: number }) => v.version)).toEqual([1]);
    expect((await server.call("GET", "/api/v1/models/nope")).status).toBe(404);
  });
});
