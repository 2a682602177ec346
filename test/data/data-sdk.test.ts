import { rmSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetEnvName, resolveDatasetForRun } from "../../src/cli/run/dataset-input.js";
import { Lockstep } from "../../src/index.js";
import { LockstepApi } from "../../src/sdk/api-client.js";
import { getDatasetManifest, listDatasetVersions } from "../../src/sdk/api-datasets.js";
import { addDatasetVersion } from "../../src/sdk/data/add-dataset-version.js";
import { checkoutManifest } from "../../src/sdk/data/checkout-manifest.js";
import { startTestServer, type TestServer } from "../sdk/test-server.js";
import { removeStoredBytes } from "../support/stored-blob.js";
import { randomBytesFrom, readTree, scratchDir, type Tree, writeTree } from "./data-support.js";

let server: TestServer;
let scratch: string;
let api: LockstepApi;

beforeAll(async () => {
  server = await startTestServer();
  scratch = scratchDir("sdk");
  api = new LockstepApi({ baseUrl: server.url });
});

afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

const segment = fc.oneof(
  fc.stringMatching(/^[a-z0-9_-]{1,12}$/),
  fc.constantFrom("日本語", "ünï cödé", "emoji-😀", "Ωmega", "space name"),
);
const fileSpec = fc.record({
  path: fc.array(segment, { minLength: 1, maxLength: 6 }),
  size: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 5000 }),
    fc.integer({ min: 200_000, max: 1_500_000 }),
  ),
  seed: fc.integer({ min: 1, max: 2 ** 31 }),
  mode: fc.constantFrom(0o644, 0o600, 0o755, 0o444),
});

/** Drops files whose path is a prefix folder of another's, which no file system allows. */
function toTree(specs: { path: string[]; size: number; seed: number; mode: number }[]): Tree {
  const tree: Tree = {};
  const paths = new Set<string>();
  for (const spec of specs) {
    const path = spec.path.join("/");
    const clash = [...paths].some(
      (p) => p === path || p.startsWith(`${path}/`) || path.startsWith(`${p}/`),
    );
    if (clash) continue;
    paths.add(path);
    tree[path] = { bytes: randomBytesFrom(spec.seed, spec.size), mode: spec.mode };
  }
  return tree;
}

describe("dataset SDK", { timeout: 180_000 }, () => {
  it("any add then checkout returns exactly the bytes and modes added", async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fileSpec, { minLength: 1, maxLength: 12 }), async (specs) => {
        round++;
        const source = join(scratch, `prop-src-${round}`);
        writeTree(source, toTree(specs));
        const added = await addDatasetVersion(api.http, "prop", source);
        const manifest = await getDatasetManifest(api.http, "prop", added.version.digest);
        const out = join(scratch, `prop-out-${round}`);
        await checkoutManifest(api.http, manifest, out);
        expect(readTree(out)).toEqual(readTree(source));
      }),
      { numRuns: 6 },
    );
  });

  it("checkout downloads each distinct chunk once and reuses what is already here", async () => {
    const random = randomBytesFrom(31, 500_000);
    const source = join(scratch, "reuse-src");
    writeTree(source, {
      // Zeros cut at the maximum size: one chunk repeated within the file.
      "zeros.bin": { bytes: new Uint8Array(3 * 1024 * 1024) },
      "a/copy.bin": { bytes: random },
      "b/copy.bin": { bytes: random, mode: 0o755 },
      "mix.bin": { bytes: Buffer.concat([randomBytesFrom(32, 300_000), new Uint8Array(700_000)]) },
      "empty.txt": { bytes: new Uint8Array(0) },
    });
    const added = await addDatasetVersion(api.http, "reuse", source);
    const manifest = await getDatasetManifest(api.http, "reuse", added.version.digest);
    const distinct = new Set(manifest.files.flatMap((f) => f.chunks.map((c) => c.digest)));
    const zeros = manifest.files.find((f) => f.path === "zeros.bin");
    expect(new Set(zeros?.chunks.map((c) => c.digest)).size).toBeLessThan(
      zeros?.chunks.length ?? 0,
    );

    const first = join(scratch, "reuse-out-1");
    const fresh = await checkoutManifest(api.http, manifest, first);
    expect(readTree(first)).toEqual(readTree(source));
    expect(fresh).toMatchObject({ files: 5, unchanged: 0, downloadedChunks: distinct.size });

    // A second checkout beside a changed copy downloads only what that copy no longer has.
    writeTree(first, { "a/copy.bin": { bytes: randomBytesFrom(33, 500_000) } });
    const second = join(scratch, "reuse-out-2");
    const reused = await checkoutManifest(api.http, manifest, second, { localSources: [first] });
    expect(readTree(second)).toEqual(readTree(source));
    expect(reused.downloadedChunks).toBe(0);
    writeTree(first, { "b/copy.bin": { bytes: randomBytesFrom(34, 500_000), mode: 0o755 } });
    const third = join(scratch, "reuse-out-3");
    const partly = await checkoutManifest(api.http, manifest, third, { localSources: [first] });
    expect(readTree(third)).toEqual(readTree(source));
    const copyChunks = new Set(
      manifest.files.find((f) => f.path === "a/copy.bin")?.chunks.map((c) => c.digest),
    );
    expect(partly.downloadedChunks).toBe(copyChunks.size);

    // Into a folder that already holds the version: nothing to write.
    const again = await checkoutManifest(api.http, manifest, third);
    expect(again).toMatchObject({ unchanged: 5, downloadedChunks: 0 });
  });

  it("run.logDatasetOutput adds the folder as a version and records it as an output", async () => {
    const produced = join(scratch, "produced");
    writeTree(produced, { "features.csv": { bytes: Buffer.from("a,b\n1,2\n") } });
    const ls = new Lockstep({ trackingUri: server.url, spoolDir: join(scratch, "spool-out") });
    try {
      const run = await ls.startRun({ experiment: "data", capture: false });
      const version = await run.logDatasetOutput("features", produced);
      expect(version).toMatchObject({ name: "features", version: "v1", files: 1 });
      expect(version.message).toBe(`output of run ${run.id}`);
      // The same content again makes no new version and is recorded once more as made by this run.
      const same = await run.logDatasetOutput("features", produced, { context: "cleaned" });
      expect(same.digest).toBe(version.digest);
      await run.end();
      const recorded = await api.getRun(run.id);
      const io = { kind: "dataset", name: "features", version: "v1", digest: version.digest };
      expect(recorded.outputs).toHaveLength(2);
      expect(recorded.outputs).toEqual(
        expect.arrayContaining([
          { ...io, context: "output" },
          { ...io, context: "cleaned" },
        ]),
      );
      expect(recorded.inputs).toEqual([]);
      const out = join(scratch, "produced-out");
      const manifest = await getDatasetManifest(api.http, "features", version.digest);
      await checkoutManifest(api.http, manifest, out);
      expect(readTree(out)).toEqual(readTree(produced));

      const ended = await ls.startRun({ experiment: "data", capture: false });
      await expect(ended.logDatasetOutput("features", join(scratch, "nope"))).rejects.toThrow(
        /No such file or folder/,
      );
      await ended.end();
    } finally {
      await ls.close();
    }
  });

  it("run.useDataset resolves as-of, caches the files and records the input", async () => {
    const source = join(scratch, "use-src");
    writeTree(source, { "x.bin": { bytes: randomBytesFrom(9, 300_000) } });
    await addDatasetVersion(api.http, "my-data.set", source, { message: "one" });
    const [v1] = await listDatasetVersions(api.http, "my-data.set");
    const home = join(scratch, "use-home");
    const ls = new Lockstep({ trackingUri: server.url, spoolDir: join(scratch, "spool") });
    try {
      const run = await ls.startRun({ experiment: "data", capture: false });
      // biome-ignore lint/correctness/useHookAtTopLevel: an SDK method, not a React hook
      const dir = await run.useDataset("my-data.set", {
        asOf: v1?.createdAt as string,
        cacheDir: home,
      });
      expect(readTree(dir)).toEqual(readTree(source));
      await run.end();
      const recorded = await api.getRun(run.id);
      expect(recorded.inputs).toEqual([
        {
          kind: "dataset",
          name: "my-data.set",
          version: "v1",
          digest: v1?.digest,
          context: "training",
        },
      ]);

      // The second use finds the cache: the server's blob is not read again.
      const again = await resolveDatasetForRun(api, "my-data.set@v1", home);
      expect(again).toEqual({ envName: "LOCKSTEP_DATA_MY_DATA_SET", dir, io: recorded.inputs[0] });
      removeStoredBytes(join(server.dir, "blobs"));
      expect((await resolveDatasetForRun(api, "my-data.set", home)).dir).toBe(dir);
    } finally {
      await ls.close();
    }
  });

  it("names the environment variable from the dataset name", () => {
    expect(datasetEnvName("digits")).toBe("LOCKSTEP_DATA_DIGITS");
    expect(datasetEnvName("mnist-v2.small")).toBe("LOCKSTEP_DATA_MNIST_V2_SMALL");
  });
});
