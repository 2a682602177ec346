import { randomBytes } from "node:crypto";
import { afterEach, beforeEach } from "vitest";
import type { Experiment } from "../domain/experiment.js";
import { newRunId } from "../domain/ids.js";
import type { Run } from "../domain/run.js";
import type { MetadataStore, NewRun } from "./metadata-store.js";

export type OpenStore = () => Promise<MetadataStore>;

/**
 * A fresh store per test. Some adapters share one database between the
 * tests of a file, so tests name everything uniquely and never assume the
 * database is empty.
 */
export function useStore(open: OpenStore): () => MetadataStore {
  let store: MetadataStore | undefined;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => {
    if (!store) throw new Error("store used outside a test");
    return store;
  };
}

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

export function newExperiment(
  store: MetadataStore,
  input: { name?: string; tags?: Record<string, string>; now?: number } = {},
): Promise<Experiment> {
  return store.experiments.create({
    name: input.name ?? unique("exp"),
    tags: input.tags ?? {},
    now: input.now ?? 1_700_000_000_000,
  });
}

export function newRun(
  store: MetadataStore,
  input: Partial<NewRun> & { experimentId: string },
): Promise<Run> {
  const id = input.id ?? newRunId();
  return store.runs.create({
    id,
    name: "run",
    userId: "ada",
    status: "RUNNING",
    kind: "train",
    parentId: null,
    startTime: 1_700_000_000_000,
    artifactUri: `mlflow-artifacts:/${input.experimentId}/${id}/artifacts`,
    tags: {},
    params: {},
    ...input,
  });
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
