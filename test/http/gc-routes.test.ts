import { chmodSync, mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { digestOf } from "../../src/blobs/digest.js";
import { canonicalManifestJson } from "../../src/blobs/manifest/manifest-codec.js";
import { addVersion } from "./support/data-fixtures.js";
import { createRun, errorBody, expectHealthy, serverForThisFile } from "./support/test-server.js";

const server = serverForThisFile();

const d = (text: string) => digestOf(Buffer.from(text));
const blobPath = (digest: string) => {
  const hex = digest.slice(7);
  return join(server.blobsDir, "sha256", hex.slice(0, 2), hex.slice(2, 4), hex);
};
const blobStatus = async (digest: string) =>
  (await server.call("GET", `/api/v1/blobs/${digest}`)).status;
const gc = (json: unknown) => server.call("POST", "/api/v1/admin/gc", { json });

describe("garbage collection and verify", () => {
  it("keeps what is reached, removes what is not, and honours retention, runs and grace", async () => {
    const k1 = await addVersion(server, "keep", { "a.txt": ["k1"] });
    const k2 = await addVersion(server, "keep", { "a.txt": ["k2"] });
    const k3 = await addVersion(server, "keep", { "a.txt": ["k3"] });
    const plain = await addVersion(server, "plain", { "p.txt": ["p1", "shared"] });
    const runId = await createRun(server);
    const use = {
      kind: "dataset",
      name: "keep",
      version: "v1",
      digest: k1.digest,
      context: "training",
    };
    expect(
      (await server.call("POST", `/api/v1/runs/${runId}/io`, { json: { inputs: [use] } })).status,
    ).toBe(200);
    const artifact = await server.call("PUT", `/api/v1/runs/${runId}/artifacts/model.bin`, {
      raw: "artifact-bytes",
    });
    expect(artifact.status).toBe(201);
    expect(
      (await server.call("PUT", `/api/v1/blobs/${d("orphan")}`, { raw: "orphan" })).status,
    ).toBe(201);
    const retention = await server.call("PUT", "/api/v1/datasets/keep/retention", {
      json: { keepLast: 1 },
    });
    expect(retention.status).toBe(200);

    // keep@v1 is used by a run and keep@v3 is the latest, so only keep@v2 goes,
    // taking its manifest and its one chunk with it.
    const expected = {
      deletedBlobs: 3,
      deletedBytes: "orphan".length + "k2".length + canonicalManifestJson(k2.manifest).length,
      deletedVersions: [{ name: "keep", version: "v2", digest: k2.digest }],
      kept: 8,
    };
    const dry = await gc({ dryRun: true, graceSeconds: 0 });
    expect([dry.status, dry.body]).toEqual([200, expected]);
    expect(await blobStatus(d("orphan"))).toBe(200);
    expect(await blobStatus(d("k2"))).toBe(200);
    expect((await server.call("GET", "/api/v1/datasets/keep/versions")).body.versions).toHaveLength(
      3,
    );

    const real = await gc({ graceSeconds: 0 });
    expect([real.status, real.body]).toEqual([200, expected]);
    for (const gone of [d("orphan"), d("k2"), k2.digest]) expect(await blobStatus(gone)).toBe(404);
    const kept = [d("k1"), d("k3"), d("p1"), d("shared"), d("artifact-bytes")];
    for (const digest of [...kept, k1.digest, k3.digest, plain.digest]) {
      expect([digest, await blobStatus(digest)]).toEqual([digest, 200]);
    }
    const versions = (await server.call("GET", "/api/v1/datasets/keep/versions")).body.versions;
    expect(versions.map((v: { version: string }) => v.version)).toEqual(["v1", "v3"]);
    const resolved = await server.call("GET", "/api/v1/datasets/resolve?ref=keep@v2");
    expect(resolved.body).toEqual(errorBody("NOT_FOUND", "Dataset keep has no version v2"));
    const artifactBack = await server.call("GET", `/api/v1/runs/${runId}/artifacts/model.bin`);
    expect(artifactBack.body).toBe("artifact-bytes");

    // A blob written moments ago may belong to an add in progress: the default grace spares it.
    expect((await server.call("PUT", `/api/v1/blobs/${d("fresh")}`, { raw: "fresh" })).status).toBe(
      201,
    );
    const graced = await gc({});
    expect(graced.body).toEqual({ deletedBlobs: 0, deletedBytes: 0, deletedVersions: [], kept: 9 });
    expect(await blobStatus(d("fresh"))).toBe(200);
    // A blob written two hours ago by an earlier server process is past the grace...
    const writeOld = () => {
      mkdirSync(dirname(blobPath(d("old"))), { recursive: true });
      writeFileSync(blobPath(d("old")), "old");
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      utimesSync(blobPath(d("old")), twoHoursAgo, twoHoursAgo);
    };
    writeOld();
    expect((await gc({})).body).toEqual({
      deletedBlobs: 1,
      deletedBytes: 3,
      deletedVersions: [],
      kept: 9,
    });
    // ...unless a client was just told it need not upload it: its add will reference it.
    writeOld();
    const asked = await server.call("POST", "/api/v1/blobs/missing", {
      json: { digests: [d("old")] },
    });
    expect(asked.body).toEqual({ missing: [] });
    expect((await gc({})).body).toEqual({
      deletedBlobs: 0,
      deletedBytes: 0,
      deletedVersions: [],
      kept: 10,
    });
    expect(await blobStatus(d("old"))).toBe(200);
    const later = await gc({ graceSeconds: 0 });
    expect(later.body).toEqual({ deletedBlobs: 2, deletedBytes: 8, deletedVersions: [], kept: 8 });

    // verify: one chunk corrupted on disk, one referenced chunk deleted.
    const verified = await server.call("POST", "/api/v1/admin/verify", { json: {} });
    expect(verified.body).toEqual({ checked: 8, missing: [], corrupt: [] });
    chmodSync(blobPath(d("k3")), 0o644);
    writeFileSync(blobPath(d("k3")), "K3");
    rmSync(blobPath(d("p1")));
    const damaged = await server.call("POST", "/api/v1/admin/verify");
    expect([damaged.status, damaged.body]).toEqual([
      200,
      { checked: 7, missing: [d("p1")], corrupt: [d("k3")] },
    ]);

    // A corrupt manifest hides which chunks it needs, so gc refuses to delete anything.
    chmodSync(blobPath(k3.digest), 0o644);
    writeFileSync(blobPath(k3.digest), "{}");
    const refused = await gc({ graceSeconds: 0 });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual(
      errorBody(
        "CONFLICT",
        `Garbage collection refused: the manifest ${k3.digest} is corrupt; run verify and add that data again`,
      ),
    );
    const manifest = await server.call("GET", "/api/v1/datasets/keep/versions/v3/manifest");
    expect(manifest.status).toBe(500);
    expect(manifest.body.error.code).toBe("INTERNAL");
    await expectHealthy(server);
  });

  it("refuses malformed gc requests", async () => {
    const res = await gc({ dryRun: "yes" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: "BAD_REQUEST",
        message: "invalid request body: dryRun must be a boolean",
        issues: [{ path: "dryRun", message: "must be a boolean" }],
      },
    });
    await expectHealthy(server);
  });
});
