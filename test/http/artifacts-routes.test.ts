import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRun,
  errorBody,
  expectHealthy,
  rawRequest,
  startTestServer,
  type TestServer,
} from "./support/test-server.js";

let server: TestServer;
let runId: string;
beforeAll(async () => {
  server = await startTestServer();
  runId = await createRun(server);
});
afterAll(async () => {
  await server?.close();
});

const UNKNOWN = "0123456789abcdef0123456789abcdef";
const DIGEST = /^sha256:[0-9a-f]{64}$/;

async function put(path: string, body: Uint8Array | string, contentType?: string, id = runId) {
  return server.call("PUT", `/api/v1/runs/${id}/artifacts/${path}`, {
    raw: body,
    ...(contentType ? { headers: { "content-type": contentType } } : {}),
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe("artifact routes", () => {
  it("uploads and downloads bytes, whatever the content type", async () => {
    const bytes = randomBytes(100_000);
    const res = await put("model/weights.bin", bytes, "application/octet-stream");
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      artifact: { path: "model/weights.bin", size: 100_000, digest: expect.stringMatching(DIGEST) },
    });
    const got = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/model/weights.bin`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/octet-stream");
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);

    const json = await put("config.json", '{"not": "parsed"', "application/json");
    expect(json.status).toBe(201);
    const text = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/config.json`);
    expect(await text.text()).toBe('{"not": "parsed"');
    const none = await put("empty.txt", "");
    expect(none.body.artifact).toMatchObject({ path: "empty.txt", size: 0 });
  });

  it("streams an artifact larger than any JSON body limit", async () => {
    const bytes = randomBytes(12 * 1024 * 1024);
    const res = await put("big/blob.bin", bytes, "application/octet-stream");
    expect(res.status).toBe(201);
    expect(res.body.artifact.size).toBe(bytes.length);
  });

  it("lists the direct entries of a folder with isDir for sub-folders", async () => {
    await put("tree/a.txt", "a");
    await put("tree/sub/b.txt", "bb");
    await put("tree/sub/deeper/c.txt", "ccc");
    const res = await server.call("GET", `/api/v1/runs/${runId}/artifacts?path=tree`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      files: [
        { path: "tree/a.txt", isDir: false, size: 1, digest: expect.stringMatching(DIGEST) },
        { path: "tree/sub", isDir: true },
      ],
    });
    const sub = await server.call("GET", `/api/v1/runs/${runId}/artifacts?path=tree%2Fsub`);
    expect(sub.body.files.map((f: { path: string }) => f.path)).toEqual([
      "tree/sub/b.txt",
      "tree/sub/deeper",
    ]);
    const root = await server.call("GET", `/api/v1/runs/${runId}/artifacts`);
    expect(root.body.files).toEqual(
      expect.arrayContaining([
        { path: "tree", isDir: true },
        { path: "model", isDir: true },
      ]),
    );
    const none = await server.call("GET", `/api/v1/runs/${runId}/artifacts?path=nothing-here`);
    expect(none.body).toEqual({ files: [] });
  });

  it("rejects path traversal, absolute paths, empty segments and NUL with 400", async () => {
    const base = `/api/v1/runs/${runId}/artifacts`;
    const cases: [string, string][] = [
      [`${base}/../../etc/passwd`, '"../../etc/passwd": must not contain ".." segments'],
      [`${base}/a/%2e%2e/%2e%2e/x`, '"a/../../x": must not contain ".." segments'],
      [`${base}/a/%2E%2E%2Fb`, '"a/../b": must not contain ".." segments'],
      [`${base}//etc/passwd`, '"/etc/passwd": must be relative'],
      [`${base}/a//b`, '"a//b": must not contain empty segments'],
      [`${base}/a%00b`, '"a\\u0000b": must not contain NUL or other control characters'],
      [`${base}/./a`, '"./a": must not contain "." segments'],
    ];
    for (const [path, reason] of cases) {
      for (const method of ["PUT", "GET"]) {
        const res = await rawRequest(server.url, {
          method,
          path,
          body: method === "PUT" ? "x" : undefined,
        });
        expect({ method, path, status: res.status, body: res.body }).toEqual({
          method,
          path,
          status: 400,
          body: {
            error: {
              code: "BAD_REQUEST",
              message: `Invalid artifact path ${reason}`,
              issues: [{ path: "path", message: reason.slice(reason.indexOf(": ") + 2) }],
            },
          },
        });
      }
    }
    const list = await server.call("GET", `${base}?path=..%2Fx`);
    expect(list.status).toBe(400);
    for (const file of filesUnder(server.dir)) expect(file.startsWith(server.dir)).toBe(true);
    await expectHealthy(server);
  });

  it("answers 404 for a missing artifact or run, 409 for a deleted run", async () => {
    const missing = await server.call("GET", `/api/v1/runs/${runId}/artifacts/nope.txt`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(errorBody("NOT_FOUND", `run ${runId} has no artifact "nope.txt"`));
    const unknownPut = await put("a.txt", "x", undefined, UNKNOWN);
    expect(unknownPut.body).toEqual(errorBody("NOT_FOUND", `run "${UNKNOWN}" not found`));
    const unknownList = await server.call("GET", `/api/v1/runs/${UNKNOWN}/artifacts`);
    expect(unknownList.status).toBe(404);
    const deleted = await createRun(server);
    await server.call("DELETE", `/api/v1/runs/${deleted}`);
    const res = await put("a.txt", "x", undefined, deleted);
    expect(res.status).toBe(409);
    await expectHealthy(server);
  });

  it("survives a client hanging up mid-upload and records nothing", async () => {
    const { hostname, port } = new URL(server.url);
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        hostname,
        port,
        method: "PUT",
        path: `/api/v1/runs/${runId}/artifacts/partial.bin`,
        headers: { "content-type": "application/octet-stream", "content-length": "1000000" },
      });
      req.on("error", () => resolve());
      req.write(randomBytes(1000), () => setTimeout(() => req.destroy(), 100));
    });
    const got = await server.call("GET", `/api/v1/runs/${runId}/artifacts/partial.bin`);
    expect(got.status).toBe(404);
    await expectHealthy(server);
  });

  it("cuts a corrupt download short without bringing the server down", async () => {
    const bytes = Buffer.from("precious bytes that will rot on disk ".repeat(2000));
    const res = await put("rot/file.bin", bytes);
    expect(res.status).toBe(201);
    const stored = filesUnder(server.blobsDir).find((f) => readFileSync(f).equals(bytes));
    expect(stored).toBeDefined();
    const rotten = Buffer.from(bytes);
    rotten[100] = (rotten[100] ?? 0) ^ 0xff;
    writeFileSync(stored as string, rotten);
    let outcome: string;
    try {
      const r = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/rot/file.bin`);
      const body = Buffer.from(await r.arrayBuffer());
      outcome =
        r.status >= 500 ? "server error" : body.equals(rotten) ? "corrupt bytes served" : "short";
    } catch {
      outcome = "connection cut";
    }
    // The bytes never arrive complete: the request fails or the connection is cut.
    expect(["server error", "connection cut", "short"]).toContain(outcome);
    await expectHealthy(server);
  });
});
