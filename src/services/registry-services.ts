import type { BlobStore } from "../blobs/blob-store.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { type DatasetResolver, LineageService } from "./lineage-service.js";
import { ModelRegistryService } from "./model-registry-service.js";
import type { RunService } from "./run-service.js";

/** The model registry and lineage, wired over the stores. */
export interface RegistryServices {
  models: ModelRegistryService;
  lineage: LineageService;
}

export function createRegistryServices(options: {
  store: MetadataStore;
  blobs: BlobStore;
  runs: RunService;
  /** Turns a dataset reference into the `vN` run_io records; default accepts `NAME@vN` only. */
  resolveDataset?: DatasetResolver;
  now?: () => number;
}): RegistryServices {
  const { store, blobs, runs, now } = options;
  const models = new ModelRegistryService({ store, blobs, runs, ...(now ? { now } : {}) });
  return { models, lineage: new LineageService(store, models, options.resolveDataset) };
}
