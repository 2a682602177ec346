import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodePack, PACK_MEDIA_TYPE } from "../../src/blobs/pack/pack-codec.js";
import { manifestOf } from "./support/data-fixtures.js";
import { serverForThisFile } from "./support/test-server.js";

const server = serverForThisFile();

const blobStatus = async (digest: string) =>
  (await server.call("GET", `/api/v1/blobs/${digest}`)).status;
const gc = (json: unknown) => server.call("POST", "/api/v1/admin/gc", { json });

describe("garbage collection of packed chunks", () => {
  it("gives back the disk space of packed chunks it deletes, keeping the rest readable", async () => {
    const packDir = join(server.blobsDir, "packs");
    const packFiles = () => readdirSync(packDir).filter((f) => f.endsWith(".pack"));
    const before = new Set(packFiles());
    const addPacked = async (files: Record<string, string[]>) => {
      const built = manifestOf(files);
      const entries = [...built.chunks].map(([digest, bytes]) => ({ digest, bytes }));
      const stored = await server.call("POST", "/api/v1/blobs/pack", {
        raw: encodePack(entries),
        headers: { "content-type": PACK_MEDIA_TYPE },
      });
      expect(stored.status).toBe(201);
      const added = await server.call("POST", "/api/v1/datasets/packed/versions", {
        json: { manifest: built.manifest },
      });
      expect(added.status).toBe(201);
      return built;
    };
    const old = await addPacked({
      "a.bin": ["old chunk one ".repeat(500), "old chunk two ".repeat(500)],
    });
    const kept = await addPacked({ "a.bin": ["new chunk ".repeat(700)] });
    const added = packFiles().filter((f) => !before.has(f));
    expect(added).toHaveLength(2);
    const retention = await server.call("PUT", "/api/v1/datasets/packed/retention", {
      json: { keepLast: 1 },
    });
    expect(retention.status).toBe(200);

    const collected = await gc({ graceSeconds: 0 });
    expect(collected.status).toBe(200);
    expect(collected.body).toMatchObject({
      deletedVersions: [{ name: "packed", version: "v1", digest: old.digest }],
    });
    const left = packFiles().filter((f) => !before.has(f));
    expect(left).toHaveLength(1);
    for (const digest of old.chunks.keys()) expect(await blobStatus(digest)).toBe(404);
    for (const [digest, bytes] of kept.chunks) {
      const got = await fetch(`${server.url}/api/v1/blobs/${digest}`);
      expect(Buffer.from(await got.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    }
    const verified = await server.call("POST", "/api/v1/admin/verify", { json: {} });
    expect(verified.body).toMatchObject({ missing: [], corrupt: [] });
  });
});
