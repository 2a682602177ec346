import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalManifestJson } from "../../src/blobs/manifest/manifest-codec.js";
import { openStore } from "../../src/store/open-store.js";
import { addVersion, ISO, manifestOf, uploadChunks } from "./support/data-fixtures.js";
import {
  badRequest,
  createRun,
  errorBody,
  expectHealthy,
  serverForThisFile,
} from "./support/test-server.js";

const server = serverForThisFile();

const resolve = (ref: string) =>
  server.call("GET", `/api/v1/datasets/resolve?ref=${encodeURIComponent(ref)}`);

const REF_HELP =
  'after "@" expected latest, vN, 8 or more hex digits of a digest, or an ISO-8601 date or time such as 2026-03-01 or 2026-03-01T12:00:00Z';

describe("dataset routes", () => {
  it("adds versions, lists them and serves their manifests", async () => {
    const one = await addVersion(
      server,
      "digits",
      { "a.txt": ["hello ", "world"], "b/c.bin": ["x"] },
      {
        message: "March export",
        source: "/data/digits",
      },
    );
    expect(one.res.status).toBe(201);
    expect(one.res.body).toEqual({
      created: true,
      version: {
        name: "digits",
        version: "v1",
        number: 1,
        digest: one.digest,
        createdAt: expect.stringMatching(ISO),
        message: "March export",
        source: "/data/digits",
        size: 12,
        files: 2,
      },
    });
    const same = await addVersion(server, "digits", {
      "a.txt": ["hello ", "world"],
      "b/c.bin": ["x"],
    });
    expect(same.res.status).toBe(200);
    expect(same.res.body).toEqual({ created: false, version: one.res.body.version });

    const two = await addVersion(server, "digits", { "a.txt": ["hello ", "there"] });
    expect(two.res.status).toBe(201);
    const v2 = two.res.body.version;
    expect(v2).toMatchObject({
      version: "v2",
      number: 2,
      message: null,
      source: null,
      size: 11,
      files: 1,
    });
    expect(Date.parse(v2.createdAt)).toBeGreaterThan(Date.parse(one.res.body.version.createdAt));

    const versions = await server.call("GET", "/api/v1/datasets/digits/versions");
    expect(versions).toMatchObject({ status: 200, body: { versions: [one.res.body.version, v2] } });
    const list = await server.call("GET", "/api/v1/datasets");
    expect(list.body.datasets.find((d: { name: string }) => d.name === "digits")).toEqual({
      name: "digits",
      versions: 2,
      latest: v2,
    });

    for (const version of ["v1", one.digest, one.digest.slice(7, 19)]) {
      const res = await fetch(`${server.url}/api/v1/datasets/digits/versions/${version}/manifest`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.text()).toBe(canonicalManifestJson(one.manifest));
    }
  });

  it("accepts a manifest far larger than the JSON body limit of other routes", async () => {
    // One 30,000-chunk file: about 3 MB of manifest, yet a single stored chunk.
    const built = manifestOf({ "big.bin": Array.from({ length: 30_000 }, () => "same bytes") });
    await uploadChunks(server, built.chunks);
    const res = await server.call("POST", "/api/v1/datasets/big/versions", {
      json: { manifest: built.manifest },
    });
    expect(JSON.stringify(built.manifest).length).toBeGreaterThan(2 * 1024 * 1024);
    expect(res.status).toBe(201);
    expect(res.body.version).toMatchObject({ digest: built.digest, size: 300_000, files: 1 });
  });

  it("resolves every kind of reference", async () => {
    const a = (await addVersion(server, "refs", { "f.txt": ["first"] })).res.body.version;
    const b = (await addVersion(server, "refs", { "f.txt": ["second"] })).res.body.version;
    const cases: [string, unknown][] = [
      ["refs", b],
      ["refs@latest", b],
      ["refs@v1", a],
      [`refs@${a.digest.slice(7, 15)}`, a],
      [`refs@${a.digest}`, a],
      [`refs@${b.digest.slice(7).toUpperCase()}`, b],
      [`refs@${a.createdAt}`, a],
      [`refs@${b.createdAt}`, b],
      ["refs@2999-01-01", b],
      ["refs@2999-01-01T00:00", b],
      ["refs@2999-01-01T00:00:00+02:00", b],
    ];
    for (const [ref, version] of cases) {
      const res = await resolve(ref);
      expect([ref, res.status, res.body]).toEqual([ref, 200, { version }]);
    }
  });

  it("answers bad and unknown references with one clear error", async () => {
    const first = (await addVersion(server, "timed", { "f.txt": ["t"] })).res.body.version;
    const cases: [string, number, unknown][] = [
      ["nope", 404, errorBody("NOT_FOUND", "Dataset nope not found")],
      ["nope@v1", 404, errorBody("NOT_FOUND", "Dataset nope not found")],
      ["timed@v99", 404, errorBody("NOT_FOUND", "Dataset timed has no version v99")],
      [
        "timed@00000000",
        404,
        errorBody("NOT_FOUND", "Dataset timed has no version whose digest starts with 00000000"),
      ],
      [
        "timed@2026-02-30",
        400,
        badRequest(`Invalid dataset reference "timed@2026-02-30": ${REF_HELP}`),
      ],
      [
        "timed@yesterday",
        400,
        badRequest(`Invalid dataset reference "timed@yesterday": ${REF_HELP}`),
      ],
      ["timed@v0", 400, badRequest(`Invalid dataset reference "timed@v0": ${REF_HELP}`)],
      ["timed@abc", 400, badRequest(`Invalid dataset reference "timed@abc": ${REF_HELP}`)],
      [
        "timed@2026-03-01T25:00:00Z",
        400,
        badRequest(`Invalid dataset reference "timed@2026-03-01T25:00:00Z": ${REF_HELP}`),
      ],
      [
        "bad/name@v1",
        400,
        badRequest(
          'Invalid dataset reference "bad/name@v1": Invalid dataset name "bad/name": use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit',
        ),
      ],
      [
        "timed@1970-01-01",
        400,
        badRequest(
          `timed@1970-01-01: dataset timed has no version at or before 1970-01-01T00:00:00.000Z; its first version (v1) was created at ${first.createdAt}`,
        ),
      ],
    ];
    for (const [ref, status, body] of cases) {
      const res = await resolve(ref);
      expect([ref, res.status, res.body]).toEqual([ref, status, body]);
    }
    const noRef = await server.call("GET", "/api/v1/datasets/resolve");
    expect(noRef.status).toBe(400);
    expect(noRef.body).toEqual(
      badRequest("invalid query string: ref is required", [
        { path: "ref", message: "is required" },
      ]),
    );
    const unknown = await server.call("GET", "/api/v1/datasets/nope/versions");
    expect(unknown).toMatchObject({
      status: 404,
      body: errorBody("NOT_FOUND", "Dataset nope not found"),
    });
    const manifest = await server.call("GET", "/api/v1/datasets/timed/versions/v7/manifest");
    expect(manifest.status).toBe(404);
    expect(manifest.body).toEqual(errorBody("NOT_FOUND", "Dataset timed has no version v7"));
    await expectHealthy(server);
  });

  it("lists the candidates of an ambiguous digest prefix", async () => {
    // Two real manifests sharing 8 hex digits would take billions of tries, so
    // the versions are written straight into the server's database.
    const store = await openStore(`sqlite:${join(server.dir, "lockstep.db")}`);
    const d1 = `sha256:deadbeef${"1".repeat(56)}`;
    const d2 = `sha256:deadbeef${"2".repeat(56)}`;
    try {
      for (const digest of [d1, d2, d1]) {
        const base = { name: "twins", message: null, source: null, size: 1, files: 1 };
        await store.datasets.addVersion({ ...base, digest, now: Date.now() });
      }
    } finally {
      await store.close();
    }
    const res = await resolve("twins@deadbeef");
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      badRequest(
        `Digest prefix deadbeef of dataset twins is ambiguous: it matches v1 (${d1}), v2 (${d2}), v3 (${d1}); give more digits`,
      ),
    );
    // One digest added twice is the same data: the newest version answers.
    const one = await resolve("twins@deadbeef1");
    expect(one.body.version).toMatchObject({ version: "v3", digest: d1 });
  });

  it("refuses a manifest whose chunks the server lacks, naming them", async () => {
    const built = manifestOf({ "a.txt": ["aaa", "bbb"], "b.txt": ["aaa", "ccc"] });
    const [a, b, c] = [...built.chunks.keys()];
    const stored = new Map([[b as string, built.chunks.get(b as string) as Uint8Array]]);
    await uploadChunks(server, stored);
    const res = await server.call("POST", "/api/v1/datasets/partial/versions", {
      json: { manifest: built.manifest },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      badRequest(
        `The manifest references 2 chunks missing from the server (${a}, ${c}); upload them first`,
        [
          { path: "manifest.files.0.chunks.0", message: `missing chunk ${a}` },
          { path: "manifest.files.1.chunks.1", message: `missing chunk ${c}` },
        ],
      ),
    );
    const none = await server.call("GET", "/api/v1/datasets/partial/versions");
    expect(none.status).toBe(404);
    // Once the chunks are there, the same request succeeds.
    await uploadChunks(server, built.chunks);
    const ok = await server.call("POST", "/api/v1/datasets/partial/versions", {
      json: { manifest: built.manifest },
    });
    expect(ok.status).toBe(201);
  });

  it("refuses manifests that fail validation", async () => {
    const good = manifestOf({ "a.txt": ["1"], "b.txt": ["2"] });
    await uploadChunks(server, good.chunks);
    const m = good.manifest;
    const [fa, fb] = m.files as [(typeof m.files)[0], (typeof m.files)[0]];
    const cases: [unknown, string][] = [
      [5, "Invalid manifest: not a JSON object"],
      [{ ...m, format: "other/1" }, 'Invalid manifest: unknown format "other/1"'],
      [{ ...m, files: [fb, fa] }, 'Invalid manifest: files are not sorted by path at "a.txt"'],
      [
        { ...m, files: [{ ...fa, path: "../up" }] },
        'Invalid manifest: path "../up" has a ".." segment',
      ],
      [
        { ...m, files: [{ ...fa, size: 7 }] },
        'Invalid manifest: file "a.txt": chunk sizes add up to 1, not 7',
      ],
      [
        { ...m, files: [{ ...fa, chunks: [{ digest: "sha256:zz", size: 1 }] }] },
        'Invalid manifest: file "a.txt": invalid chunk digest',
      ],
      [
        { ...m, chunker: { ...m.chunker, gearTable: "nope" } },
        'Invalid manifest: Unsupported chunker parameters: unknown gear table "nope"',
      ],
    ];
    for (const [manifest, message] of cases) {
      const res = await server.call("POST", "/api/v1/datasets/invalid/versions", {
        json: { manifest },
      });
      expect([res.status, res.body]).toEqual([400, badRequest(message)]);
    }
    const wrongSize = { ...m, files: [{ ...fa, size: 2, chunks: [{ ...fa.chunks[0], size: 2 }] }] };
    const res = await server.call("POST", "/api/v1/datasets/invalid/versions", {
      json: { manifest: wrongSize },
    });
    expect(res.body).toEqual(
      badRequest(
        `Chunk ${fa.chunks[0]?.digest} of "a.txt" is 1 bytes on the server, not 2 as the manifest says`,
      ),
    );
    const noManifest = await server.call("POST", "/api/v1/datasets/invalid/versions", { json: {} });
    expect(noManifest.body).toEqual(
      badRequest("invalid request body: manifest is required", [
        { path: "manifest", message: "is required" },
      ]),
    );
    const badName = await server.call("POST", "/api/v1/datasets/-x/versions", {
      json: { manifest: m },
    });
    expect(badName.body).toEqual(
      badRequest(
        'Invalid dataset name "-x": use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit',
      ),
    );
    expect((await server.call("GET", "/api/v1/datasets/invalid/versions")).status).toBe(404);
    await expectHealthy(server);
  });

  it("sets and clears retention rules", async () => {
    await addVersion(server, "kept", { "k.txt": ["k"] });
    const set = await server.call("PUT", "/api/v1/datasets/kept/retention", {
      json: { keepLast: 3, keepWithinDays: 30 },
    });
    expect(set).toMatchObject({
      status: 200,
      body: { retention: { keepLast: 3, keepWithinDays: 30 } },
    });
    const clear = await server.call("PUT", "/api/v1/datasets/kept/retention", { json: {} });
    expect(clear.body).toEqual({ retention: {} });
    const unknown = await server.call("PUT", "/api/v1/datasets/nope/retention", {
      json: { keepLast: 1 },
    });
    expect(unknown).toMatchObject({
      status: 404,
      body: errorBody("NOT_FOUND", "Dataset nope not found"),
    });
    const zero = await server.call("PUT", "/api/v1/datasets/kept/retention", {
      json: { keepLast: 0 },
    });
    expect(zero.status).toBe(400);
    const atLeastOne = "expected integer to be greater or equal to 1";
    expect(zero.body).toEqual(
      badRequest(`invalid request body: keepLast ${atLeastOne}`, [
        { path: "keepLast", message: atLeastOne },
      ]),
    );
  });

  it("records the dataset versions a run used, refusing ones that do not exist", async () => {
    const v = (await addVersion(server, "used", { "u.txt": ["u"] })).res.body.version;
    const runId = await createRun(server);
    const input = {
      kind: "dataset",
      name: "used",
      version: "v1",
      digest: v.digest,
      context: "training",
    };
    const ok = await server.call("POST", `/api/v1/runs/${runId}/io`, { json: { inputs: [input] } });
    expect(ok).toMatchObject({ status: 200, body: {} });
    const out = await server.call("POST", `/api/v1/runs/${runId}/io`, {
      json: { outputs: [{ ...input, context: "" }] },
    });
    expect(out.status).toBe(200);
    const run = await server.call("GET", `/api/v1/runs/${runId}`);
    expect(run.body.run.inputs).toEqual([input]);
    expect(run.body.run.outputs).toEqual([{ ...input, context: "" }]);

    const post = (io: unknown) =>
      server.call("POST", `/api/v1/runs/${runId}/io`, { json: { inputs: [io] } });
    expect((await post({ ...input, version: "v9" })).body).toEqual(
      errorBody("NOT_FOUND", "Dataset used has no version v9"),
    );
    const other = `sha256:${"0".repeat(64)}`;
    expect((await post({ ...input, digest: other })).body).toEqual(
      badRequest(`used@v1 has digest ${v.digest}, not ${other}`),
    );
    expect((await post({ ...input, digest: "sha256:x" })).body).toEqual(
      badRequest('inputs.0.digest: must be "sha256:" and 64 lowercase hex digits', [
        { path: "inputs.0.digest", message: 'must be "sha256:" and 64 lowercase hex digits' },
      ]),
    );
    const unknownRun = await server.call("POST", `/api/v1/runs/${"f".repeat(32)}/io`, { json: {} });
    expect(unknownRun.status).toBe(404);
    expect(unknownRun.body).toEqual(errorBody("NOT_FOUND", `run "${"f".repeat(32)}" not found`));
    await expectHealthy(server);
  });
});
