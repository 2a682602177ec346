import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startServer } from "../../src/server/start-server.js";
import { errorBody, serverForThisFile } from "./support/test-server.js";

const server = serverForThisFile();

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

describe("health, OpenAPI and unknown routes", () => {
  it("reports health with the store dialect and package version", async () => {
    const res = await server.call("GET", "/api/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", store: "sqlite", version: pkg.version });
  });

  it("serves an OpenAPI 3 document covering every /api/v1 route", async () => {
    const res = await server.call("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: "Lockstep API", version: pkg.version });
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        "GET /api/health",
        "POST /api/v1/experiments",
        "GET /api/v1/experiments",
        "GET /api/v1/experiments/{id}",
        "GET /api/v1/experiments/by-name/{name}",
        "PATCH /api/v1/experiments/{id}",
        "DELETE /api/v1/experiments/{id}",
        "POST /api/v1/experiments/{id}/restore",
        "PUT /api/v1/experiments/{id}/tags/{key}",
        "DELETE /api/v1/experiments/{id}/tags/{key}",
        "POST /api/v1/runs",
        "GET /api/v1/runs/{id}",
        "PATCH /api/v1/runs/{id}",
        "DELETE /api/v1/runs/{id}",
        "POST /api/v1/runs/{id}/restore",
        "POST /api/v1/runs/search",
        "GET /api/v1/runs/{id}/children",
        "POST /api/v1/runs/{id}/params",
        "PUT /api/v1/runs/{id}/tags/{key}",
        "DELETE /api/v1/runs/{id}/tags/{key}",
        "POST /api/v1/runs/{id}/batch",
        "PUT /api/v1/runs/{id}/capture",
        "GET /api/v1/runs/{id}/metrics",
        "GET /api/v1/runs/{id}/metrics/{key}/history",
        "PUT /api/v1/runs/{id}/artifacts/{*}",
        "GET /api/v1/runs/{id}/artifacts",
        "GET /api/v1/runs/{id}/artifacts/{*}",
        "GET /api/v1/runs/{id}/events",
        "POST /api/v1/runs/{id}/io",
        "GET /api/v1/blobs/{digest}",
        "PUT /api/v1/blobs/{digest}",
        "POST /api/v1/blobs/missing",
        "POST /api/v1/blobs/pack",
        "POST /api/v1/blobs/unpack",
        "GET /api/v1/datasets",
        "GET /api/v1/datasets/resolve",
        "GET /api/v1/datasets/{name}/versions",
        "POST /api/v1/datasets/{name}/versions",
        "GET /api/v1/datasets/{name}/versions/{version}/manifest",
        "PUT /api/v1/datasets/{name}/retention",
        "POST /api/v1/admin/gc",
        "POST /api/v1/admin/verify",
        "GET /api/v1/lineage",
        "GET /api/v1/models",
        "POST /api/v1/models",
        "GET /api/v1/models/resolve",
        "GET /api/v1/models/{name}",
        "DELETE /api/v1/models/{name}",
        "GET /api/v1/models/{name}/versions",
        "POST /api/v1/models/{name}/versions",
        "GET /api/v1/models/{name}/versions/{version}",
        "DELETE /api/v1/models/{name}/versions/{version}",
        "GET /api/v1/models/{name}/versions/{version}/files/{*}",
        "PUT /api/v1/models/{name}/aliases/{alias}",
        "DELETE /api/v1/models/{name}/aliases/{alias}",
        "GET /api/v1/models/{name}/aliases/{alias}/history",
        "POST /api/v1/models/{name}/aliases/{alias}/rollback",
        "GET /api/v1/runs/{id}/reproductions",
        "POST /api/v1/sweeps",
        "GET /api/v1/sweeps/{id}",
        "POST /api/v1/sweeps/{id}/lease",
        "POST /api/v1/sweeps/{id}/trials/{index}/renew",
        "POST /api/v1/sweeps/{id}/trials/{index}/result",
      ].sort(),
    );
    const batch = doc.paths["/api/v1/runs/{id}/batch"].post;
    const value =
      batch.requestBody.content["application/json"].schema.properties.metrics.items.properties
        .value;
    expect(value.anyOf).toEqual([
      { type: "number" },
      { type: "string", enum: ["NaN"] },
      { type: "string", enum: ["Infinity"] },
      { type: "string", enum: ["-Infinity"] },
    ]);
  });

  it("answers unknown routes and methods with a JSON 404", async () => {
    const res = await server.call("GET", "/api/v1/nothing?x=1");
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorBody("NOT_FOUND", "no route for GET /api/v1/nothing"));
    const method = await server.call("PATCH", "/api/health");
    expect(method.body).toEqual(errorBody("NOT_FOUND", "no route for PATCH /api/health"));
  });

  it("accepts and ignores Authorization headers", async () => {
    for (const auth of ["Bearer some-token", "Basic dXNlcjpwYXNz", "garbage"]) {
      const res = await server.call("POST", "/api/v1/experiments", {
        json: { name: `auth ${auth.split(" ")[0]}` },
        headers: { authorization: auth },
      });
      expect(res.status).toBe(201);
    }
  });
});

describe("startServer", () => {
  it("listens on a free port, closes cleanly, and fails on a taken port", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-start-"));
    try {
      const a = await startServer({
        host: "127.0.0.1",
        port: 0,
        storeUrl: `sqlite:${join(dir, "a.db")}`,
        blobsUrl: join(dir, "blobs"),
      });
      expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const port = Number(new URL(a.url).port);
      await expect(
        startServer({
          host: "127.0.0.1",
          port,
          storeUrl: `sqlite:${join(dir, "b.db")}`,
          blobsUrl: join(dir, "blobs"),
        }),
      ).rejects.toThrow(/EADDRINUSE/);
      expect((await fetch(`${a.url}/api/health`)).status).toBe(200);
      await a.close();
      await a.close();
      await expect(fetch(`${a.url}/api/health`)).rejects.toThrow();
      await expect(
        startServer({ host: "127.0.0.1", port: 0, storeUrl: "nosuch:x", blobsUrl: dir }),
      ).rejects.toThrow(/unsupported store URL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
