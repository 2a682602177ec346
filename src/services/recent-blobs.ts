/**
 * Digests this server recently stored or was asked about. A client adding a
 * version uploads only the chunks `POST /blobs/missing` names, so chunks the
 * server already held (perhaps unreferenced) become needed again without
 * being rewritten; recording them here lets garbage collection spare them for
 * its grace period just like freshly written blobs.
 */
export class RecentBlobs {
  private readonly seen = new Map<string, number>();

  constructor(private readonly horizonMs: number) {}

  touch(digest: string, now: number): void {
    // Re-inserting moves the digest to the end, keeping the map in time order.
    this.seen.delete(digest);
    this.seen.set(digest, now);
    this.prune(now);
  }

  /** Whether `digest` was touched within `graceMs` before `now`. */
  isFresh(digest: string, now: number, graceMs: number): boolean {
    const at = this.seen.get(digest);
    return at !== undefined && now - at < graceMs;
  }

  private prune(now: number): void {
    for (const [digest, at] of this.seen) {
      if (now - at < this.horizonMs) return;
      this.seen.delete(digest);
    }
  }
}
