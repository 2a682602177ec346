import { BlobCorruptError, type BlobStore } from "../blobs/blob-store.js";
import { isDigest } from "../blobs/digest.js";
import type { MetadataStore } from "../store/metadata-store.js";

/**
 * Blob digests that must survive garbage collection for reasons outside the
 * dataset catalogue, e.g. the artifacts of registered model versions. The
 * model registry plugs one in with `GcService.addRootProvider`.
 */
export type GcRootProvider = () => AsyncIterable<string>;

/** A manifest that should be readable and is not: its chunks are unknown. */
export interface UnreadableManifest {
  digest: string;
  problem: "missing" | "corrupt";
}

/** Digests reached from the given roots; manifests are followed to their chunks. */
export class Reachability {
  readonly marked = new Set<string>();
  readonly unreadable: UnreadableManifest[] = [];

  constructor(private readonly blobs: BlobStore) {}

  mark(digest: string): void {
    this.marked.add(digest);
  }

  /** Marks a manifest and every chunk it lists (once per manifest). */
  async markManifest(digest: string): Promise<void> {
    if (this.marked.has(digest)) return;
    this.marked.add(digest);
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.blobs.getBytes(digest);
    } catch (error) {
      if (!(error instanceof BlobCorruptError)) throw error;
      this.unreadable.push({ digest, problem: "corrupt" });
      return;
    }
    if (!bytes) {
      this.unreadable.push({ digest, problem: "missing" });
      return;
    }
    let manifest: { files?: { chunks?: { digest?: unknown }[] }[] };
    try {
      manifest = JSON.parse(Buffer.from(bytes).toString("utf8"));
    } catch {
      // Intact bytes that are no manifest reach nothing further.
      return;
    }
    for (const file of Array.isArray(manifest.files) ? manifest.files : []) {
      if (!Array.isArray(file?.chunks)) continue;
      for (const chunk of file.chunks ?? []) {
        if (typeof chunk.digest === "string" && isDigest(chunk.digest))
          this.marked.add(chunk.digest);
      }
    }
  }
}

/**
 * Marks everything the catalogue reaches: dataset versions (except those in
 * `skipVersions`, which retention is about to remove), versions any run used,
 * run artifacts and the extra root providers.
 */
export async function markRoots(options: {
  store: MetadataStore;
  reach: Reachability;
  providers: readonly GcRootProvider[];
  skipVersions?: ReadonlySet<string>;
}): Promise<void> {
  const { store, reach, providers, skipVersions } = options;
  for await (const version of store.datasets.allVersions()) {
    if (skipVersions?.has(versionKey(version.name, version.number))) continue;
    await reach.markManifest(version.digest);
  }
  for (const use of await store.datasets.usedByRuns()) {
    if (isDigest(use.digest)) await reach.markManifest(use.digest);
  }
  for await (const digest of store.artifacts.digests()) reach.mark(digest);
  for (const provider of providers) {
    for await (const digest of provider()) reach.mark(digest);
  }
}

export function versionKey(name: string, number: number): string {
  return `${name}\u0000${number}`;
}
