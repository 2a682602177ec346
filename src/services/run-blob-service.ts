import type { BlobStore } from "../blobs/blob-store.js";
import type { MetadataStore } from "../store/metadata-store.js";
import type { RunService } from "./run-service.js";

/** What a service over run files needs: metadata, blobs, runs and a clock. */
export interface RunBlobDeps {
  store: MetadataStore;
  blobs: BlobStore;
  runs: RunService;
  now?: () => number;
}

/** The common base of services that keep run files in the blob store. */
export abstract class RunBlobService {
  protected readonly store: MetadataStore;
  protected readonly blobs: BlobStore;
  protected readonly runs: RunService;
  protected readonly now: () => number;

  constructor(deps: RunBlobDeps) {
    this.store = deps.store;
    this.blobs = deps.blobs;
    this.runs = deps.runs;
    this.now = deps.now ?? Date.now;
  }
}
