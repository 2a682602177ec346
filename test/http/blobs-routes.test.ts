import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestOf } from "../../src/blobs/digest.js";
import { badRequest, errorBody, expectHealthy, useTestServer } from "./support/test-server.js";

const server = useTestServer();

const HEX_ERROR = 'expected "sha256:" and 64 lowercase hex digits';

describe("blob routes", () => {
  it("stores bytes under their digest and streams them back", async () => {
    const bytes = randomBytes(300_000);
    const digest = digestOf(bytes);
    const put = await server.call("PUT", `/api/v1/blobs/${digest}`, {
      raw: bytes,
      headers: { "content-type": "application/octet-stream" },
    });
    expect(put).toMatchObject({ status: 201, body: { digest, size: 300_000 } });
    // Encoded as a client's URL encoder would write it.
    const got = await fetch(`${server.url}/api/v1/blobs/${encodeURIComponent(digest)}`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/octet-stream");
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    // Storing the same bytes again is fine and keeps one copy.
    const again = await server.call("PUT", `/api/v1/blobs/${digest}`, { raw: bytes });
    expect(again).toMatchObject({ status: 201, body: { digest, size: 300_000 } });
    const empty = digestOf(new Uint8Array(0));
    const none = await server.call("PUT", `/api/v1/blobs/${empty}`, { raw: "" });
    expect(none).toMatchObject({ status: 201, body: { digest: empty, size: 0 } });
  });

  it("reports which digests it lacks", async () => {
    const stored = digestOf(Buffer.from("stored"));
    await server.call("PUT", `/api/v1/blobs/${stored}`, { raw: "stored" });
    const absent = digestOf(Buffer.from("absent"));
    const res = await server.call("POST", "/api/v1/blobs/missing", {
      json: { digests: [stored, absent, absent] },
    });
    expect(res).toMatchObject({ status: 200, body: { missing: [absent] } });
    const empty = await server.call("POST", "/api/v1/blobs/missing", { json: { digests: [] } });
    expect(empty.body).toEqual({ missing: [] });
  });

  it("refuses bytes that do not hash to the digest and stores nothing", async () => {
    const claimed = digestOf(Buffer.from("what the client meant"));
    const res = await server.call("PUT", `/api/v1/blobs/${claimed}`, { raw: "something else" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      badRequest(
        `Content digest ${digestOf(Buffer.from("something else"))} does not match the expected ${claimed}`,
      ),
    );
    const get = await server.call("GET", `/api/v1/blobs/${claimed}`);
    expect(get).toMatchObject({
      status: 404,
      body: errorBody("NOT_FOUND", `blob ${claimed} not found`),
    });
    const missing = await server.call("POST", "/api/v1/blobs/missing", {
      json: { digests: [claimed] },
    });
    expect(missing.body).toEqual({ missing: [claimed] });
    await expectHealthy(server);
  });

  it("answers bad digests with a 400", async () => {
    const upper = `sha256:${"A".repeat(64)}`;
    for (const bad of ["sha256:abc", "md5:0123", upper, "missing"]) {
      for (const method of ["GET", "PUT"]) {
        const res = await server.call(
          method,
          `/api/v1/blobs/${bad}`,
          method === "PUT" ? { raw: "x" } : {},
        );
        expect(res.status).toBe(400);
        expect(res.body).toEqual(badRequest(`Invalid digest ${JSON.stringify(bad)}: ${HEX_ERROR}`));
      }
    }
    const res = await server.call("POST", "/api/v1/blobs/missing", {
      json: { digests: [digestOf(Buffer.from("ok")), "sha256:nope"] },
    });
    const message = `Invalid digest "sha256:nope": ${HEX_ERROR}`;
    expect(res.status).toBe(400);
    expect(res.body).toEqual(badRequest(message, [{ path: "digests.1", message }]));
    await expectHealthy(server);
  });

  it("refuses malformed and oversized missing-queries", async () => {
    const notArray = await server.call("POST", "/api/v1/blobs/missing", { json: { digests: "x" } });
    expect(notArray.status).toBe(400);
    expect(notArray.body).toEqual(
      badRequest("invalid request body: digests must be an array", [
        { path: "digests", message: "must be an array" },
      ]),
    );
    const many = Array.from({ length: 10_001 }, (_, i) => digestOf(Buffer.from(String(i))));
    const tooMany = await server.call("POST", "/api/v1/blobs/missing", { json: { digests: many } });
    expect(tooMany.status).toBe(400);
    const limit = "expected array length to be less or equal to 10000";
    expect(tooMany.body).toEqual(
      badRequest(`invalid request body: digests ${limit}`, [{ path: "digests", message: limit }]),
    );
    await expectHealthy(server);
  });

  it("answers 404 for an unknown blob", async () => {
    const digest = digestOf(Buffer.from("never stored"));
    const res = await server.call("GET", `/api/v1/blobs/${digest}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorBody("NOT_FOUND", `blob ${digest} not found`));
  });
});
