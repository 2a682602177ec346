import type { Readable } from "node:stream";
import type { BlobSource, BlobStore, StoredBlob } from "../blobs/blob-store.js";
import { isDigest, parseDigest } from "../blobs/digest.js";
import { BadRequestError, NotFoundError } from "../domain/errors.js";
import { mapLimit } from "./map-limit.js";
import type { RecentBlobs } from "./recent-blobs.js";

export const MISSING_QUERY_MAX = 10_000;

/** Content-addressed chunks as clients see them: ask what is missing, upload, download. */
export class BlobService {
  constructor(
    private readonly deps: { blobs: BlobStore; recent: RecentBlobs; now: () => number },
  ) {}

  /** The digests the server lacks; the others count as in use for gc's grace period. */
  async missing(digests: string[]): Promise<string[]> {
    const bad = digests.findIndex((d) => !isDigest(d));
    if (bad >= 0) {
      const problem = invalidDigestMessage(digests[bad] ?? "");
      throw new BadRequestError(problem, {
        issues: [{ path: `digests.${bad}`, message: problem }],
      });
    }
    const unique = [...new Set(digests)];
    const present = await mapLimit(unique, 32, (d) => this.deps.blobs.has(d));
    const now = this.deps.now();
    const missing: string[] = [];
    unique.forEach((digest, i) => {
      if (present[i]) this.deps.recent.touch(digest, now);
      else missing.push(digest);
    });
    return missing;
  }

  /** Stores bytes that must hash to `digest`; a mismatch is a 400 and stores nothing. */
  async put(digest: string, source: BlobSource): Promise<StoredBlob> {
    parseDigest(digest);
    const stored = await this.deps.blobs.put(source, { expectedDigest: digest });
    this.deps.recent.touch(stored.digest, this.deps.now());
    return stored;
  }

  async open(digest: string): Promise<{ size: number; stream: Readable }> {
    parseDigest(digest);
    const stat = await this.deps.blobs.stat(digest);
    const stream = stat && (await this.deps.blobs.get(digest));
    if (!stat || !stream) throw new NotFoundError(`blob ${digest} not found`);
    return { size: stat.size, stream };
  }
}

function invalidDigestMessage(value: string): string {
  try {
    parseDigest(value);
  } catch (error) {
    return (error as Error).message;
  }
  return `Invalid digest ${JSON.stringify(value)}`;
}
