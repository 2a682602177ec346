import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openBlobStore } from "../blobs/open-blob-store.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { openStore } from "../store/open-store.js";
import { modelVersionDigests } from "./model-registry-service.js";
import { createRegistryServices, type RegistryServices } from "./registry-services.js";
import { createTrackingServices, type TrackingServices } from "./tracking-services.js";

let dir: string;
let store: MetadataStore;
let tracking: TrackingServices;
let registry: RegistryServices;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "lockstep-lineage-"));
  store = await openStore(`sqlite:${join(dir, "meta.db")}`);
  const blobs = await openBlobStore(join(dir, "blobs"));
  tracking = createTrackingServices({ store, blobs });
  registry = createRegistryServices({ store, blobs, runs: tracking.runs });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const COMMIT = `commit:${"a".repeat(40)}`;
const ids = (graph: { nodes: { id: string }[] }) => graph.nodes.map((n) => n.id).sort();

describe("LineageService", () => {
  it("links dataset versions, training, sweep parent, model versions and inference both ways", async () => {
    const sweep = await tracking.runs.create({
      experimentName: "lin",
      name: "sweep",
      kind: "sweep",
    });
    const train = await tracking.runs.create({
      experimentName: "lin",
      name: "trial",
      parentId: sweep.id,
      params: { seed: "7", lr: "0.1", depth: "4" },
    });
    await tracking.runs.setCapture(train.id, {
      code: {
        commit: COMMIT.slice("commit:".length),
        dirty: true,
        diff: { digest: "sha256:d1ff", size: 321 },
      },
      seed: { root: 7 },
      environment: {
        os: { type: "Linux", release: "6.1" },
        hostname: "trainer-1",
        node: { version: "v20.20.2" },
        python: { version: "3.11.2" },
      },
    });
    await store.runs.addIo(train.id, "input", [
      { kind: "dataset", name: "digits", version: "v2", digest: "sha256:d2", context: "training" },
    ]);
    await tracking.artifacts.put(train.id, "model/w.bin", new TextEncoder().encode("weights"));
    const version = await registry.models.registerVersion({
      name: "clf",
      runId: train.id,
      path: "model",
      createModel: true,
    });
    await registry.models.setAlias({ name: "clf", alias: "production", version: version.version });
    const predict = await tracking.runs.create({
      experimentName: "lin",
      name: "predict",
      kind: "inference",
    });
    await store.runs.addIo(predict.id, "input", [
      { kind: "model", name: "clf", version: "1", digest: version.digest, context: "inference" },
      {
        kind: "dataset",
        name: "incoming",
        version: "v1",
        digest: "sha256:i1",
        context: "inference",
      },
    ]);
    const other = await tracking.runs.create({ experimentName: "lin", name: "unrelated" });

    const fromModel = await registry.lineage.graph("models:/clf@production");
    expect(fromModel.root).toBe("model:clf/1");
    expect(ids(fromModel)).toEqual(
      [
        "model:clf/1",
        `run:${train.id}`,
        `run:${sweep.id}`,
        "dataset:digits@v2",
        `run:${predict.id}`,
        COMMIT,
      ].sort(),
    );
    expect(fromModel.edges).toEqual(
      expect.arrayContaining([
        { from: "dataset:digits@v2", to: `run:${train.id}`, kind: "input" },
        { from: `run:${sweep.id}`, to: `run:${train.id}`, kind: "parent" },
        { from: `run:${train.id}`, to: "model:clf/1", kind: "registered" },
        { from: "model:clf/1", to: `run:${predict.id}`, kind: "input" },
      ]),
    );
    // What else decided the training run's result travels with its node.
    expect(fromModel.nodes.find((n) => n.id === `run:${train.id}`)?.details).toEqual({
      seed: "7",
      params: "depth=4 lr=0.1",
      diff: "sha256:d1ff (321 bytes)",
      environment: "python 3.11.2, node v20.20.2, Linux 6.1, host trainer-1",
    });
    expect(fromModel.nodes.find((n) => n.id === COMMIT)?.label).toBe(`${"a".repeat(12)} +diff`);
    // The inference run's other input is upstream of it, not of the model.
    expect(ids(fromModel)).not.toContain("dataset:incoming@v1");
    expect(ids(fromModel)).not.toContain(`run:${other.id}`);

    const fromData = await registry.lineage.graph("digits@v2");
    expect(ids(fromData)).toEqual(
      ["dataset:digits@v2", "model:clf/1", `run:${predict.id}`, `run:${train.id}`].sort(),
    );

    const fromInference = await registry.lineage.graph(predict.id);
    expect(ids(fromInference)).toEqual(
      [
        "dataset:digits@v2",
        "dataset:incoming@v1",
        "model:clf/1",
        `run:${predict.id}`,
        `run:${sweep.id}`,
        `run:${train.id}`,
        COMMIT,
      ].sort(),
    );
  });

  it("keeps a version's blobs reachable for garbage collection after the run's artifact is replaced", async () => {
    const run = await tracking.runs.create({ experimentName: "gc" });
    const first = await tracking.artifacts.put(run.id, "m/w.bin", new TextEncoder().encode("one"));
    await registry.models.registerVersion({
      name: "pinned",
      runId: run.id,
      path: "m",
      createModel: true,
    });
    await tracking.artifacts.put(run.id, "m/w.bin", new TextEncoder().encode("two"));
    const pinned: string[] = [];
    for await (const digest of modelVersionDigests(store)) pinned.push(digest);
    expect(pinned).toContain(first.digest);
    const artifactDigests: string[] = [];
    for await (const digest of store.artifacts.digests()) artifactDigests.push(digest);
    expect(artifactDigests).not.toContain(first.digest);
  });

  it("refuses unknown and malformed references", async () => {
    await expect(registry.lineage.graph("models:/none@prod")).rejects.toThrow(/not found/);
    await expect(registry.lineage.graph("0123456789abcdef0123456789abcdef")).rejects.toThrow(
      /not found/,
    );
    await expect(registry.lineage.graph("just words")).rejects.toThrow(/invalid reference/);
    await expect(registry.lineage.graph("")).rejects.toThrow(/must not be empty/);
  });
});
