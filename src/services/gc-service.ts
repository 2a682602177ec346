import type { BlobStore } from "../blobs/blob-store.js";
import type { DatasetRetention, DatasetVersion } from "../domain/dataset.js";
import { ConflictError } from "../domain/errors.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { type GcRootProvider, markRoots, Reachability, versionKey } from "./blob-reachability.js";
import type { RecentBlobs } from "./recent-blobs.js";

/** Uploads of one `data add` finish well within this, so gc never races them. */
export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface GcOptions {
  dryRun?: boolean;
  /** Blobs written or asked about more recently than this survive; default one hour. */
  graceMs?: number;
}

export interface DeletedVersion {
  name: string;
  version: string;
  digest: string;
}

export interface GcReport {
  deletedBlobs: number;
  deletedBytes: number;
  deletedVersions: DeletedVersion[];
  /** Blobs left in place (reached, or within the grace period). */
  kept: number;
}

/**
 * Mark and sweep over the blob store. Retention first removes the records of
 * old versions no run used (the latest version always stays); then every
 * blob not reached from the catalogue and older than the grace period goes.
 */
export class GcService {
  private readonly store: MetadataStore;
  private readonly blobs: BlobStore;
  private readonly recent: RecentBlobs;
  private readonly now: () => number;
  private readonly graceMs: number;
  private readonly providers: GcRootProvider[];

  constructor(deps: {
    store: MetadataStore;
    blobs: BlobStore;
    recent: RecentBlobs;
    now: () => number;
    graceMs?: number;
    roots?: GcRootProvider[];
  }) {
    this.store = deps.store;
    this.blobs = deps.blobs;
    this.recent = deps.recent;
    this.now = deps.now;
    this.graceMs = deps.graceMs ?? DEFAULT_GC_GRACE_MS;
    this.providers = [...(deps.roots ?? [])];
  }

  /** More digests that must survive (e.g. registered model versions' artifacts). */
  addRootProvider(provider: GcRootProvider): void {
    this.providers.push(provider);
  }

  rootProviders(): readonly GcRootProvider[] {
    return this.providers;
  }

  async run(options: GcOptions = {}): Promise<GcReport> {
    const dryRun = options.dryRun ?? false;
    const graceMs = options.graceMs ?? this.graceMs;
    const now = this.now();
    const expired = await this.expiredVersions(now);
    const skip = new Set(expired.map((v) => versionKey(v.name, v.number)));

    const reach = new Reachability(this.blobs);
    await markRoots({ store: this.store, reach, providers: this.providers, skipVersions: skip });
    const broken = reach.unreadable[0];
    if (broken) {
      // Its chunks are unknown, so deleting anything could destroy them.
      throw new ConflictError(
        `Garbage collection refused: the manifest ${broken.digest} is ${broken.problem}${reach.unreadable.length > 1 ? ` (and ${reach.unreadable.length - 1} more)` : ""}; run verify and add that data again`,
      );
    }

    if (!dryRun) {
      for (const [name, numbers] of groupByName(expired)) {
        await this.store.datasets.deleteVersions(name, numbers);
      }
    }
    const report: GcReport = {
      deletedBlobs: 0,
      deletedBytes: 0,
      deletedVersions: expired.map((v) => ({
        name: v.name,
        version: `v${v.number}`,
        digest: v.digest,
      })),
      kept: 0,
    };
    for await (const digest of this.blobs.list()) {
      if (reach.marked.has(digest) || this.recent.isFresh(digest, now, graceMs)) {
        report.kept++;
        continue;
      }
      const stat = await this.blobs.stat(digest);
      if (!stat) continue;
      const writtenAt = await this.blobs.writtenAt?.(digest);
      if (writtenAt !== undefined && now - writtenAt < graceMs) {
        report.kept++;
        continue;
      }
      if (dryRun || (await this.blobs.delete(digest))) {
        report.deletedBlobs++;
        report.deletedBytes += stat.size;
      }
    }
    if (!dryRun && report.deletedBlobs > 0) await this.blobs.compact?.();
    return report;
  }

  /** Versions retention lets go: not the latest, not used by any run, kept by no rule. */
  private async expiredVersions(now: number): Promise<DatasetVersion[]> {
    const rules = await this.store.datasets.retentions();
    if (rules.length === 0) return [];
    const used = new Set(
      (await this.store.datasets.usedByRuns()).map((u) => `${u.name}\u0000${u.digest}`),
    );
    const expired: DatasetVersion[] = [];
    for (const { name, retention } of rules) {
      const versions = await this.store.datasets.versions(name);
      versions.forEach((version, i) => {
        const fromNewest = versions.length - 1 - i;
        const protectedByRun = used.has(`${name}\u0000${version.digest}`);
        if (fromNewest > 0 && !protectedByRun && !keeps(retention, version, { fromNewest, now })) {
          expired.push(version);
        }
      });
    }
    return expired;
  }
}

function keeps(
  rule: DatasetRetention,
  version: DatasetVersion,
  at: { fromNewest: number; now: number },
): boolean {
  if (rule.keepLast !== undefined && at.fromNewest < rule.keepLast) return true;
  if (
    rule.keepWithinDays !== undefined &&
    version.createdAt >= at.now - rule.keepWithinDays * DAY_MS
  ) {
    return true;
  }
  return false;
}

function groupByName(versions: DatasetVersion[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const v of versions) groups.set(v.name, [...(groups.get(v.name) ?? []), v.number]);
  return groups;
}
