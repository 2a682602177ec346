import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { digestOf } from "../../src/blobs/digest.js";
import {
  decodePack,
  encodePack,
  PACK_MAGIC,
  PACK_MEDIA_TYPE,
  packFrameHeader,
} from "../../src/blobs/pack/pack-codec.js";
import { badRequest, errorBody, expectHealthy, serverForThisFile } from "./support/test-server.js";

const server = serverForThisFile();

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

describe("blob packs", () => {
  const blob = (seed: number, size: number) => {
    const bytes = randomBytes(size);
    bytes[0] = seed & 0xff;
    return { digest: digestOf(bytes), bytes };
  };
  const postPack = (body: Uint8Array) =>
    server.call("POST", "/api/v1/blobs/pack", {
      raw: body,
      headers: { "content-type": PACK_MEDIA_TYPE },
    });
  const missing = async (digests: string[]) =>
    (await server.call("POST", "/api/v1/blobs/missing", { json: { digests } })).body.missing;
  const unpack = async (digests: string[]) => {
    const res = await fetch(`${server.url}/api/v1/blobs/unpack`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ digests }),
    });
    return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
  };
  const decodeAll = async (bytes: Uint8Array) => {
    const out = [];
    for await (const entry of decodePack([bytes], { maxBlobs: 100_000, maxBlobBytes: 1 << 30 })) {
      out.push({ digest: entry.digest, bytes: Buffer.from(entry.bytes) });
    }
    return out;
  };

  it("stores many blobs from one pack, skips those it holds and sends them back in one", async () => {
    const first = [blob(1, 70_000), blob(2, 1), blob(3, 200_000), blob(4, 2)];
    // A blob repeated inside one pack is stored and counted once.
    const res = await postPack(encodePack([...first, first[1] as (typeof first)[0]]));
    expect(res).toMatchObject({ status: 201, body: { stored: 4, present: 0, bytes: 270_004 } });
    const fresh = blob(5, 5000);
    const again = await postPack(encodePack([first[0], fresh, first[2]] as typeof first));
    expect(again.body).toEqual({ stored: 1, present: 2, bytes: 275_000 });
    const all = [...first, fresh];
    expect(await missing(all.map((b) => b.digest))).toEqual([]);

    const order = [all[2], all[0], all[4], all[3], all[2]] as typeof all;
    const got = await unpack(order.map((b) => b.digest));
    expect(got.status).toBe(200);
    expect(await decodeAll(got.bytes)).toEqual(
      order.map((b) => ({ digest: b.digest, bytes: Buffer.from(b.bytes) })),
    );
    const one = await fetch(`${server.url}/api/v1/blobs/${all[4]?.digest}`);
    expect(Buffer.from(await one.arrayBuffer()).equals(all[4]?.bytes as Buffer)).toBe(true);
  });

  it("stores nothing of a pack with one blob that does not match its digest", async () => {
    const good = blob(10, 50_000);
    const liar = blob(11, 3000);
    const other = randomBytes(3000);
    const pack = encodePack([good, { digest: liar.digest, bytes: other }, blob(12, 10)]);
    const res = await postPack(pack);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      badRequest(`Content digest ${digestOf(other)} does not match the expected ${liar.digest}`),
    );
    expect(await missing([good.digest, liar.digest])).toEqual([good.digest, liar.digest]);
    await expectHealthy(server);
  });

  it("refuses a cut, unframed or oversized pack and stores nothing", async () => {
    const a = blob(20, 40_000);
    const b = blob(21, 40_000);
    const whole = encodePack([a, b]);
    const cases: [Uint8Array, number, string][] = [
      // Cut at a frame boundary: only the end marker tells it apart.
      [
        whole.subarray(0, whole.length - 1),
        400,
        "The pack ended after 2 blobs without its end marker",
      ],
      [whole.subarray(0, whole.length - 100), 400, `The pack was cut inside blob ${b.digest}`],
      [whole.subarray(0, 20), 400, "The pack was cut inside the header of blob 0"],
      [Buffer.concat([whole, Buffer.from("x")]), 400, "The pack has bytes after its end marker"],
      [
        Buffer.from("PUT /blobs"),
        400,
        "Not a blob pack: it must start with the LSPACK1 magic line",
      ],
      [new Uint8Array(0), 400, "Not a blob pack: it must start with the LSPACK1 magic line"],
      [
        Buffer.concat([PACK_MAGIC, Buffer.from([7])]),
        400,
        "Unknown frame type 7 at blob 0 of the pack",
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await postPack(body);
      expect(res.status, message).toBe(status);
      expect(res.body).toEqual(badRequest(message));
    }
    const huge = Buffer.concat([PACK_MAGIC, packFrameHeader(a.digest, 64 * 1024 * 1024)]);
    const tooBig = await postPack(huge);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual(
      errorBody(
        "PAYLOAD_TOO_LARGE",
        `Blob ${a.digest} in the pack is 67108864 bytes; at most 16777216 are allowed`,
      ),
    );
    expect(await missing([a.digest, b.digest])).toEqual([a.digest, b.digest]);
    await expectHealthy(server);
  });

  it("stores nothing when the client disconnects half-way through a pack", async () => {
    const a = blob(30, 100_000);
    const b = blob(31, 100_000);
    const whole = encodePack([a, b]);
    const { hostname, port } = new URL(server.url);
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        hostname,
        port,
        method: "POST",
        path: "/api/v1/blobs/pack",
        headers: { "content-type": PACK_MEDIA_TYPE, "content-length": whole.length },
      });
      req.on("error", () => resolve());
      req.write(whole.subarray(0, 150_000), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 100);
      });
    });
    await expectHealthy(server);
    expect(await missing([a.digest, b.digest])).toEqual([a.digest, b.digest]);
    // No staged temp file is left behind either (the server notices the cut soon after).
    const tmp = join(server.blobsDir, "tmp");
    for (let k = 0; k < 50 && readdirSync(tmp).length > 0; k++) await sleep(20);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("answers unpack of an unknown or malformed digest with 404 / 400", async () => {
    const known = blob(40, 100);
    await postPack(encodePack([known]));
    const unknown = digestOf(Buffer.from("never packed"));
    const res = await server.call("POST", "/api/v1/blobs/unpack", {
      json: { digests: [known.digest, unknown] },
    });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorBody("NOT_FOUND", `blob ${unknown} not found`));
    const bad = await server.call("POST", "/api/v1/blobs/unpack", {
      json: { digests: ["sha256:nope"] },
    });
    const message = `Invalid digest "sha256:nope": ${HEX_ERROR}`;
    expect(bad.body).toEqual(badRequest(message, [{ path: "digests.0", message }]));
    await expectHealthy(server);
  });
});
