import type { BlobStore } from "../blobs/blob-store.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { ArtifactService } from "./artifact-service.js";
import { ExperimentService } from "./experiment-service.js";
import { MetricService } from "./metric-service.js";
import { RunService } from "./run-service.js";

/** The tracking services, wired over one metadata store and one blob store. */
export interface TrackingServices {
  experiments: ExperimentService;
  runs: RunService;
  metrics: MetricService;
  artifacts: ArtifactService;
}

export function createTrackingServices(options: {
  store: MetadataStore;
  blobs: BlobStore;
  now?: () => number;
}): TrackingServices {
  const { store, blobs, now = Date.now } = options;
  const experiments = new ExperimentService(store, now);
  const runs = new RunService(store, experiments, now);
  return {
    experiments,
    runs,
    metrics: new MetricService(store, runs, now),
    artifacts: new ArtifactService({ store, blobs, runs, now }),
  };
}
