import type { Readable } from "node:stream";
import type { BlobSource, BlobStore, StoredBlob } from "../blobs/blob-store.js";
import { isDigest, parseDigest } from "../blobs/digest.js";
import { PACK_END, PACK_MAGIC, PackDecoder, type PackEntry } from "../blobs/pack/pack-codec.js";
import { PiecePool } from "../blobs/pack/piece-pool.js";
import { BadRequestError, NotFoundError, PayloadTooLargeError } from "../domain/errors.js";
import type { RecentBlobs } from "./recent-blobs.js";
import { piecesOf } from "./stream-pieces.js";

export const MISSING_QUERY_MAX = 10_000;
/** Limits of one uploaded pack: staged bytes sit in temp files until it is complete. */
export const PACK_LIMITS = { maxBlobs: 10_000, maxBlobBytes: 16 * 1024 * 1024 };
export const PACK_MAX_BYTES = 256 * 1024 * 1024;
/** Digests per download pack. */
export const UNPACK_MAX = 10_000;

export interface PackUploadResult {
  /** Blobs written by this pack. */
  stored: number;
  /** Blobs the server already held. */
  present: number;
  bytes: number;
}

/** A pack download: its pieces, and how to give one back once it is sent. */
export interface PackDownload {
  pieces: AsyncIterable<Uint8Array>;
  release(piece: Uint8Array): void;
}

/** Pooled download buffers: a run of frames (4 MiB) plus its last chunk fits one. */
const PIECE_BYTES = 5 * 1024 * 1024;
const PIECES_KEPT = 12;

/** Content-addressed chunks as clients see them: ask what is missing, upload, download. */
export class BlobService {
  private readonly pieces = new PiecePool(PIECE_BYTES, PIECES_KEPT);

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
    const present = await this.deps.blobs.statMany(unique);
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

  /**
   * Stores every blob of a pack, each checked against its digest as it
   * arrives. All or nothing: a malformed pack, a mismatch or a cut stream
   * stores none of its blobs. Bytes are received straight into the store's
   * write buffers where it offers them.
   */
  async putPack(source: Readable | AsyncIterable<Uint8Array>): Promise<PackUploadResult> {
    const batch = this.deps.blobs.batch();
    const decoder = new PackDecoder(PACK_LIMITS, (digest, size) => batch.place?.(digest, size));
    const result: PackUploadResult = { stored: 0, present: 0, bytes: 0 };
    let adds: Promise<void>[] = [];
    const onBlob = ({ digest, bytes }: PackEntry) => {
      result.bytes += bytes.byteLength;
      if (result.bytes > PACK_MAX_BYTES) {
        throw new PayloadTooLargeError(`A pack holds at most ${PACK_MAX_BYTES} bytes`);
      }
      const added = batch.add(digest, bytes);
      added.catch(() => undefined);
      adds.push(added);
    };
    try {
      for await (const piece of piecesOf(source)) {
        decoder.push(piece, onBlob);
        await Promise.all(adds);
        adds = [];
      }
      decoder.end();
    } catch (error) {
      // A blob that failed its check is the cause of whatever the decoder hit after it.
      const refused = (await Promise.allSettled(adds)).find((r) => r.status === "rejected");
      await batch.abort();
      throw refused ? refused.reason : error;
    }
    // Counted once each, however often a pack repeats a blob.
    const { stored, present } = await batch.commit();
    result.stored = stored.length;
    result.present = present.length;
    const now = this.deps.now();
    for (const digest of [...stored, ...present]) this.deps.recent.touch(digest, now);
    return result;
  }

  /**
   * The blobs as one pack, in the order asked, as pieces to send. Every blob
   * must exist (404 naming the first that does not). Bytes go out as stored,
   * not re-hashed: the receiver verifies each against its digest, which is
   * the check that matters and halves the work. Give each piece back with
   * `release` once it is written out, so its buffer serves the next.
   */
  async openPack(digests: string[]): Promise<PackDownload> {
    const bad = digests.findIndex((d) => !isDigest(d));
    if (bad >= 0) {
      const problem = invalidDigestMessage(digests[bad] ?? "");
      throw new BadRequestError(problem, {
        issues: [{ path: `digests.${bad}`, message: problem }],
      });
    }
    const present = await this.deps.blobs.statMany(digests);
    const absent = digests.find((_, i) => !present[i]);
    if (absent !== undefined) throw new NotFoundError(`blob ${absent} not found`);
    const stored = this.deps.blobs.frames(digests, this.pieces);
    return {
      pieces: (async function* () {
        yield PACK_MAGIC;
        yield* stored;
        yield PACK_END;
      })(),
      release: (piece) => this.pieces.release(piece),
    };
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
