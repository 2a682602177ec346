import type { BlobStore } from "../blobs/blob-store.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { type GcRootProvider, markRoots, Reachability } from "./blob-reachability.js";
import { mapLimit } from "./map-limit.js";

export interface VerifyReport {
  /** Stored blobs re-hashed. */
  checked: number;
  /** Referenced by a dataset version, a run or a root provider, and not stored. */
  missing: string[];
  /** Stored, but the bytes no longer hash to the digest. */
  corrupt: string[];
}

const LIST_BATCH = 256;

/** Re-hashes every stored blob and checks that everything referenced is there. */
export class VerifyService {
  constructor(
    private readonly deps: {
      store: MetadataStore;
      blobs: BlobStore;
      /** Shared with GcService, so the registry's roots count as references here too. */
      roots: () => readonly GcRootProvider[];
    },
  ) {}

  async run(): Promise<VerifyReport> {
    const { store, blobs } = this.deps;
    const stored = new Set<string>();
    const corrupt: string[] = [];
    let batch: string[] = [];
    const flush = async () => {
      const results = await mapLimit(batch, 4, (d) => blobs.verify(d));
      batch.forEach((digest, i) => {
        if (results[i] === "corrupt") corrupt.push(digest);
        // A blob deleted while we listed is simply not stored.
        if (results[i] !== "missing") stored.add(digest);
      });
      batch = [];
    };
    for await (const digest of blobs.list()) {
      batch.push(digest);
      if (batch.length >= LIST_BATCH) await flush();
    }
    await flush();

    const reach = new Reachability(blobs);
    await markRoots({ store, reach, providers: this.deps.roots() });
    const missing = [...reach.marked].filter((d) => !stored.has(d));
    return { checked: stored.size, missing: missing.sort(), corrupt: corrupt.sort() };
  }
}
