import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, startTestServer, type TestServer } from "../http/support/test-server.js";
import { ARTIFACTS, expectMlflowError, mlflowClient } from "./support/mlflow-test-client.js";

let server: TestServer;
let client: ReturnType<typeof mlflowClient>;
let experimentId: string;
beforeAll(async () => {
  server = await startTestServer();
  client = mlflowClient(server);
  experimentId = await client.createExperiment("artifacts");
});
afterAll(async () => {
  await server?.close();
});

/** The proxy path a client derives from the run's artifact_uri. */
async function runRoot(): Promise<{ runId: string; root: string }> {
  const runId = await client.createRun(experimentId);
  const res = await client.get("runs/get", { run_id: runId });
  const uri = res.body.run.info.artifact_uri as string;
  expect(uri).toBe(`mlflow-artifacts:/${experimentId}/${runId}/artifacts`);
  return { runId, root: uri.replace(/^mlflow-artifacts:\//, "") };
}

function put(path: string, bytes: string | Uint8Array) {
  return server.call("PUT", `${ARTIFACTS}/artifacts/${path}`, {
    raw: bytes,
    headers: { "content-type": "application/octet-stream" },
  });
}

describe("artifact proxy", () => {
  it("uploads, lists, downloads and deletes; /api/v1 sees the same files", async () => {
    const { runId, root } = await runRoot();
    expect(await put(`${root}/model/weights.bin`, "0123456789")).toMatchObject({
      status: 200,
      body: {},
    });
    expect((await put(`${root}/readme.txt`, "hi")).status).toBe(200);

    const top = await server.call("GET", `${ARTIFACTS}/artifacts?path=${encodeURIComponent(root)}`);
    expect(top.body).toEqual({
      files: [
        { path: "model", is_dir: true },
        { path: "readme.txt", is_dir: false, file_size: 2 },
      ],
    });
    const sub = await server.call("GET", `${ARTIFACTS}/artifacts?path=${root}/model`);
    expect(sub.body).toEqual({ files: [{ path: "weights.bin", is_dir: false, file_size: 10 }] });

    const download = await server.call("GET", `${ARTIFACTS}/artifacts/${root}/model/weights.bin`);
    expect(download.status).toBe(200);
    expect(download.body).toBe("0123456789");
    const viaV1 = await server.call("GET", `/api/v1/runs/${runId}/artifacts/model/weights.bin`);
    expect(viaV1.body).toBe("0123456789");

    const tracking = await client.get("artifacts/list", { run_id: runId, path: "model" });
    expect(tracking.body).toEqual({
      root_uri: `mlflow-artifacts:/${root}`,
      files: [{ path: "model/weights.bin", is_dir: false, file_size: 10 }],
    });

    const deleted = await server.call("DELETE", `${ARTIFACTS}/artifacts/${root}/model`);
    expect(deleted).toMatchObject({ status: 200, body: {} });
    const after = await server.call("GET", `/api/v1/runs/${runId}/artifacts`);
    expect(after.body.files.map((f: { path: string }) => f.path)).toEqual(["readme.txt"]);
  });

  it("sees artifacts uploaded through /api/v1", async () => {
    const { runId, root } = await runRoot();
    const up = await server.call("PUT", `/api/v1/runs/${runId}/artifacts/from-v1.txt`, {
      raw: "v1",
    });
    expect(up.status).toBe(201);
    const res = await server.call("GET", `${ARTIFACTS}/artifacts/${root}/from-v1.txt`);
    expect(res.body).toBe("v1");
  });

  it("answers missing files and runs with RESOURCE_DOES_NOT_EXIST and bad paths with 400", async () => {
    const { root } = await runRoot();
    expectMlflowError(
      await server.call("GET", `${ARTIFACTS}/artifacts/${root}/nope.txt`),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    const ghost = `${experimentId}/${"f".repeat(32)}/artifacts/a.txt`;
    expectMlflowError(await put(ghost, "x"), 404, "RESOURCE_DOES_NOT_EXIST");
    expectMlflowError(await put("not/a/run/path.txt", "x"), 400, "INVALID_PARAMETER_VALUE");
    const escapes = [
      `${root}/a/%2e%2e/b.txt`,
      `${root}/a/../../../x`,
      `${root}//x`,
      // Names another run's root after a `..`: must not land in that run.
      `${experimentId}/${"a".repeat(32)}/artifacts/../../../${root}/x`,
    ];
    for (const path of escapes) {
      const res = await rawRequest(server.url, {
        method: "PUT",
        path: `${ARTIFACTS}/artifacts/${path}`,
        body: "x",
      });
      expect({ status: res.status, body: res.body }).toEqual({
        status: 400,
        body: { error_code: "INVALID_PARAMETER_VALUE", message: expect.any(String) },
      });
    }
  });
});

describe("multipart upload", () => {
  it("hands out part URLs back to Lockstep and assembles the parts in order on complete", async () => {
    const { runId, root } = await runRoot();
    const create = await client.post(
      `mpu/create/${root}/big`,
      { path: "/tmp/local/data.bin", num_parts: 3 },
      ARTIFACTS,
    );
    expect(create.status).toBe(200);
    expect(create.body).toEqual({
      upload_id: expect.any(String),
      credentials: [1, 2, 3].map((n) => ({
        url: expect.stringContaining(server.url),
        part_number: n,
        headers: {},
      })),
    });
    const pieces = ["first-", "second-", "third"];
    const parts: { part_number: number; etag: string }[] = [];
    // Out of order, as a thread pool would send them.
    for (const i of [2, 0, 1]) {
      const credential = create.body.credentials[i];
      const res = await fetch(credential.url, { method: "PUT", body: pieces[i] });
      expect(res.status).toBe(200);
      parts.push({ part_number: credential.part_number, etag: res.headers.get("etag") ?? "" });
    }
    const complete = await client.post(
      `mpu/complete/${root}/big`,
      { path: "/tmp/local/data.bin", upload_id: create.body.upload_id, parts },
      ARTIFACTS,
    );
    expect(complete).toMatchObject({ status: 200, body: {} });
    const got = await server.call("GET", `/api/v1/runs/${runId}/artifacts/big/data.bin`);
    expect(got.body).toBe("first-second-third");
    const digest = `sha256:${createHash("sha256").update("first-second-third").digest("hex")}`;
    expect(got.headers.get("x-content-digest")).toBe(digest);
  });

  it("aborts, and refuses unknown uploads, missing parts and wrong etags", async () => {
    const { root } = await runRoot();
    const create = await client.post(
      `mpu/create/${root}`,
      { path: "f.bin", num_parts: 2 },
      ARTIFACTS,
    );
    const uploadId = create.body.upload_id as string;
    const part1 = await fetch(create.body.credentials[0].url, { method: "PUT", body: "a" });
    const etag = part1.headers.get("etag") ?? "";
    expectMlflowError(
      await client.post(
        `mpu/complete/${root}`,
        { path: "f.bin", upload_id: uploadId, parts: [{ part_number: 1, etag: '"sha256:00"' }] },
        ARTIFACTS,
      ),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expectMlflowError(
      await client.post(
        `mpu/complete/${root}`,
        {
          path: "f.bin",
          upload_id: uploadId,
          parts: [
            { part_number: 1, etag },
            { part_number: 2, etag: "" },
          ],
        },
        ARTIFACTS,
      ),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expect(
      await client.post(`mpu/abort/${root}`, { path: "f.bin", upload_id: uploadId }, ARTIFACTS),
    ).toMatchObject({
      status: 200,
      body: {},
    });
    expectMlflowError(
      await client.post(
        `mpu/complete/${root}`,
        { path: "f.bin", upload_id: uploadId, parts: [{ part_number: 1, etag }] },
        ARTIFACTS,
      ),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectMlflowError(
      await client.post(`mpu/create/${root}`, { path: "f.bin", num_parts: 0 }, ARTIFACTS),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expectMlflowError(
      await client.post(`mpu/create/${root}`, { num_parts: 1 }, ARTIFACTS),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });
});
