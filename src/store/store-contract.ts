import { describe } from "vitest";
import { describeArtifacts } from "./store-contract-artifacts.js";
import { describeBatches } from "./store-contract-batches.js";
import { describeDatasets } from "./store-contract-datasets.js";
import { describeExperiments } from "./store-contract-experiments.js";
import type { OpenStore } from "./store-contract-fixtures.js";
import { describeModels } from "./store-contract-models.js";
import { describeRuns } from "./store-contract-runs.js";
import { describeRunSearch } from "./store-contract-search.js";

/**
 * The one contract every MetadataStore adapter passes. `open` returns a new
 * store for each test; adapters may share a database between the tests of a
 * file, so the tests never assume it is empty.
 */
export function describeStore(name: string, open: OpenStore): void {
  describe(`MetadataStore contract: ${name}`, () => {
    describeExperiments(open);
    describeRuns(open);
    describeBatches(open);
    describeRunSearch(open);
    describeArtifacts(open);
    describeModels(open);
    describeDatasets(open);
  });
}
