import type { BlobStore } from "../blobs/blob-store.js";
import type { MetadataStore } from "../store/metadata-store.js";
import type { GcRootProvider } from "./blob-reachability.js";
import { BlobService } from "./blob-service.js";
import { DatasetService } from "./dataset-service.js";
import { DEFAULT_GC_GRACE_MS, GcService } from "./gc-service.js";
import { RecentBlobs } from "./recent-blobs.js";
import { RunIoService } from "./run-io-service.js";
import type { RunService } from "./run-service.js";
import { VerifyService } from "./verify-service.js";

/** Blobs, datasets, run inputs and outputs, garbage collection and verification. */
export interface DataServices {
  blobs: BlobService;
  datasets: DatasetService;
  runIo: RunIoService;
  gc: GcService;
  verify: VerifyService;
}

export function createDataServices(options: {
  store: MetadataStore;
  blobs: BlobStore;
  runs: RunService;
  now?: () => number;
  gcGraceMs?: number;
  /**
   * Extra gc roots, e.g. the model registry's artifacts; more can be added
   * later with `gc.addRootProvider`. Verify counts them as references too.
   */
  gcRoots?: GcRootProvider[];
}): DataServices {
  const { store, blobs, runs, now = Date.now } = options;
  const graceMs = options.gcGraceMs ?? DEFAULT_GC_GRACE_MS;
  const recent = new RecentBlobs(Math.max(graceMs, DEFAULT_GC_GRACE_MS));
  const gc = new GcService({ store, blobs, recent, now, graceMs, roots: options.gcRoots ?? [] });
  return {
    blobs: new BlobService({ blobs, recent, now }),
    datasets: new DatasetService({ store, blobs, recent, now }),
    runIo: new RunIoService(store, runs),
    gc,
    verify: new VerifyService({ store, blobs, roots: () => gc.rootProviders() }),
  };
}
