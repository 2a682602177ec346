import type { BlobStore } from "../blobs/blob-store.js";
import { canonicalManifestJson, manifestDigest } from "../blobs/manifest/manifest-codec.js";
import {
  type DatasetRetention,
  type DatasetSummary,
  type DatasetVersion,
  datasetNameProblem,
} from "../domain/dataset.js";
import {
  type DatasetRef,
  parseDatasetRef,
  parseVersionSelector,
  type VersionSelector,
} from "../domain/dataset-ref.js";
import { ApiError, BadRequestError, NotFoundError } from "../domain/errors.js";
import type { AddedDatasetVersion } from "../store/dataset-store.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { checkChunksStored, checkManifest } from "./manifest-check.js";
import type { RecentBlobs } from "./recent-blobs.js";

export interface AddVersionInput {
  manifest: unknown;
  message?: string;
  source?: string;
}

/** Datasets: adding immutable versions, listing them and resolving references. */
export class DatasetService {
  private readonly store: MetadataStore;
  private readonly blobs: BlobStore;
  private readonly recent: RecentBlobs;
  private readonly now: () => number;

  constructor(deps: {
    store: MetadataStore;
    blobs: BlobStore;
    recent: RecentBlobs;
    now: () => number;
  }) {
    this.store = deps.store;
    this.blobs = deps.blobs;
    this.recent = deps.recent;
    this.now = deps.now;
  }

  /**
   * Adds a version once every chunk it names is stored. The manifest itself is
   * stored as a blob under its digest, so garbage collection reaches the
   * chunks through it and a checkout reads it back byte for byte.
   */
  async addVersion(name: string, input: AddVersionInput): Promise<AddedDatasetVersion> {
    checkName(name);
    const manifest = checkManifest(input.manifest);
    const chunks = await checkChunksStored(this.blobs, manifest);
    const touchedAt = this.now();
    for (const digest of chunks) this.recent.touch(digest, touchedAt);
    const digest = manifestDigest(manifest);
    await this.blobs.put(Buffer.from(canonicalManifestJson(manifest), "utf8"), {
      expectedDigest: digest,
    });
    this.recent.touch(digest, touchedAt);
    return this.store.datasets.addVersion({
      name,
      digest,
      message: input.message ?? null,
      source: input.source ?? null,
      size: manifest.files.reduce((sum, f) => sum + f.size, 0),
      files: manifest.files.length,
      now: this.now(),
    });
  }

  list(): Promise<DatasetSummary[]> {
    return this.store.datasets.list();
  }

  async versions(name: string): Promise<DatasetVersion[]> {
    checkName(name);
    const versions = await this.store.datasets.versions(name);
    if (versions.length === 0) throw unknownDataset(name);
    return versions;
  }

  /** The version a reference names (`NAME`, `NAME@v2`, `NAME@<hex>`, `NAME@<date>`). */
  resolve(ref: string): Promise<DatasetVersion> {
    return this.select(parseDatasetRef(ref), ref);
  }

  /** The canonical manifest bytes of `name` at `version` (`vN`, a digest or a prefix of one). */
  async manifest(
    name: string,
    version: string,
  ): Promise<{ version: DatasetVersion; bytes: Uint8Array }> {
    checkName(name);
    const ref = `${name}@${version}`;
    const found = await this.select({ name, selector: parseVersionSelector(version, ref) }, ref);
    const bytes = await this.blobs.getBytes(found.digest);
    if (!bytes) {
      throw new ApiError(
        "INTERNAL",
        `The manifest ${found.digest} of ${name}@v${found.number} is missing from the blob store; run verify, then add the data again`,
      );
    }
    return { version: found, bytes };
  }

  async setRetention(name: string, retention: DatasetRetention): Promise<DatasetRetention> {
    checkName(name);
    if (!(await this.store.datasets.exists(name))) throw unknownDataset(name);
    const rules: DatasetRetention = {};
    if (retention.keepLast !== undefined) rules.keepLast = retention.keepLast;
    if (retention.keepWithinDays !== undefined) rules.keepWithinDays = retention.keepWithinDays;
    return this.store.datasets.setRetention(name, rules);
  }

  private async select(ref: DatasetRef, text: string): Promise<DatasetVersion> {
    const { name, selector } = ref;
    const latest = await this.store.datasets.latest(name);
    if (!latest) throw unknownDataset(name);
    switch (selector.kind) {
      case "latest":
        return latest;
      case "number": {
        const found = await this.store.datasets.byNumber(name, selector.number);
        if (!found) throw new NotFoundError(`Dataset ${name} has no version v${selector.number}`);
        return found;
      }
      case "digest":
        return this.byPrefix(name, selector);
      case "time":
        return this.asOf(name, selector.time, text);
    }
  }

  private async byPrefix(
    name: string,
    selector: Extract<VersionSelector, { kind: "digest" }>,
  ): Promise<DatasetVersion> {
    const found = await this.store.datasets.byDigestPrefix(name, selector.prefix);
    const newest = found.at(-1);
    if (!newest) {
      throw new NotFoundError(
        `Dataset ${name} has no version whose digest starts with ${selector.prefix}`,
      );
    }
    // The same content added again later is the same data: the newest version names it.
    const digests = new Set(found.map((v) => v.digest));
    if (digests.size > 1) {
      const candidates = found.map((v) => `v${v.number} (${v.digest})`).join(", ");
      throw new BadRequestError(
        `Digest prefix ${selector.prefix} of dataset ${name} is ambiguous: it matches ${candidates}; give more digits`,
      );
    }
    return newest;
  }

  private async asOf(name: string, time: number, text: string): Promise<DatasetVersion> {
    const found = await this.store.datasets.asOf(name, time);
    if (found) return found;
    const first = (await this.store.datasets.first(name)) as DatasetVersion;
    throw new BadRequestError(
      `${text}: dataset ${name} has no version at or before ${new Date(time).toISOString()}; its first version (v${first.number}) was created at ${new Date(first.createdAt).toISOString()}`,
    );
  }
}

function checkName(name: string): void {
  const problem = datasetNameProblem(name);
  if (problem) throw new BadRequestError(problem);
}

function unknownDataset(name: string): NotFoundError {
  return new NotFoundError(`Dataset ${name} not found`);
}
