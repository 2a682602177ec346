import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LockstepApi } from "../../src/sdk/api-client.js";
import { getDatasetManifest } from "../../src/sdk/api-datasets.js";
import { addDatasetVersion } from "../../src/sdk/data/add-dataset-version.js";
import { checkoutManifest } from "../../src/sdk/data/checkout-manifest.js";
import { startTestServer, type TestServer } from "../sdk/test-server.js";
import { flipStoredByte } from "../support/stored-blob.js";
import { randomBytesFrom, readTree, scratchDir, writeTree } from "./data-support.js";

let server: TestServer;
let scratch: string;
let api: LockstepApi;

beforeAll(async () => {
  server = await startTestServer();
  scratch = scratchDir("threads");
  api = new LockstepApi({ baseUrl: server.url });
});

afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Small requests, so a few MB cross many of them and their memory is reused. */
const SMALL_REQUESTS = { hashThreads: 2, requestBytes: 200_000, concurrency: 3 };

describe("checkout verified on hashing threads", { timeout: 120_000 }, () => {
  it("writes exactly the bytes and modes added, across many requests", async () => {
    const random = randomBytesFrom(41, 2_500_000);
    const source = join(scratch, "many-src");
    writeTree(source, {
      "big.bin": { bytes: random, mode: 0o755 },
      "zeros.bin": { bytes: new Uint8Array(2 * 1024 * 1024) },
      "again/big.bin": { bytes: random },
      "tiny.txt": { bytes: Buffer.from("tiny\n"), mode: 0o600 },
      "empty.txt": { bytes: new Uint8Array(0) },
    });
    const added = await addDatasetVersion(api.http, "threads", source);
    const manifest = await getDatasetManifest(api.http, "threads", added.version.digest);
    const out = join(scratch, "many-out");
    const result = await checkoutManifest(api.http, manifest, out, SMALL_REQUESTS);
    expect(readTree(out)).toEqual(readTree(source));
    const distinct = new Set(manifest.files.flatMap((f) => f.chunks.map((c) => c.digest)));
    expect(result.downloadedChunks).toBe(distinct.size);
  });

  it("refuses a corrupt chunk, naming it and its file, and leaves no file behind", async () => {
    const source = join(scratch, "corrupt-src");
    writeTree(source, { "data.bin": { bytes: randomBytesFrom(42, 3_000_000) } });
    const added = await addDatasetVersion(api.http, "corrupt", source);
    const manifest = await getDatasetManifest(api.http, "corrupt", added.version.digest);
    const chunks = manifest.files[0]?.chunks ?? [];
    // Well past the first request, and not the first chunk of a hashing job.
    const digest = chunks[Math.floor(chunks.length * 0.7)]?.digest as string;
    flipStoredByte(join(server.dir, "blobs"), digest, 10);

    for (const [name, options] of Object.entries({
      small: SMALL_REQUESTS,
      whole: { hashThreads: 2 },
    })) {
      const out = join(scratch, `corrupt-out-${name}`);
      await expect(checkoutManifest(api.http, manifest, out, options)).rejects.toThrow(
        new RegExp(`^Corrupt chunk ${digest} of file "data.bin": its bytes hash to sha256:`),
      );
      expect(readdirSync(out, { recursive: true })).toEqual([]);
    }
  });
});
