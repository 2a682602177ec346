import type { Readable } from "node:stream";
import { ApiError } from "../domain/errors.js";
import type { PiecePool } from "./pack/piece-pool.js";

/** Bytes to store: a buffer, a Node stream or any async iterable of chunks. */
export type BlobSource = Uint8Array | Readable | AsyncIterable<Uint8Array>;

export interface PutBlobOptions {
  /** When given, the bytes must hash to this digest or nothing is stored. */
  expectedDigest?: string;
}

export interface StoredBlob {
  /** `sha256:<hex>` of the bytes. */
  digest: string;
  size: number;
}

/**
 * Content-addressed storage for chunks, manifests, artifacts and diffs. A blob
 * is named by the digest of its bytes, is never overwritten with other bytes
 * and is removed only by garbage collection.
 *
 * Methods that take a digest throw `BadRequestError` when it is not of the
 * form `sha256:<64 lowercase hex>`. Lookups return `undefined` (or `false`)
 * for a missing blob; the caller decides whether that is a 404.
 */
export interface BlobStore {
  /**
   * Streams bytes in, hashing as it goes, in constant memory. Atomic: readers
   * see the whole blob or none of it. Storing bytes that are already stored
   * succeeds and keeps one copy, also when several puts race. With
   * `expectedDigest`, a mismatch throws `BadRequestError` and stores nothing.
   * An error from the source is rethrown and stores nothing.
   */
  put(source: BlobSource, options?: PutBlobOptions): Promise<StoredBlob>;
  /**
   * The blob's bytes as a stream that re-hashes them as they pass. If they no
   * longer match the digest the stream fails with `BlobCorruptError` before
   * its last chunk, so a reader never sees a complete corrupt copy.
   */
  get(digest: string): Promise<Readable | undefined>;
  /** The whole blob, verified; throws `BlobCorruptError` if it does not match. */
  getBytes(digest: string): Promise<Uint8Array | undefined>;
  has(digest: string): Promise<boolean>;
  /** `stat` for many digests at once, in order (cheaper than one by one). */
  statMany(digests: readonly string[]): Promise<({ size: number } | undefined)[]>;
  stat(digest: string): Promise<{ size: number } | undefined>;
  /**
   * When the bytes were written (ms since the epoch), if the store knows;
   * garbage collection spares blobs younger than its grace period.
   */
  writtenAt?(digest: string): Promise<number | undefined>;
  /** Returns whether there was a blob to delete. */
  delete(digest: string): Promise<boolean>;
  /** Every stored digest, in no particular order (for garbage collection and verify). */
  list(): AsyncIterable<string>;
  /** Re-hashes the stored bytes. */
  verify(digest: string): Promise<"ok" | "missing" | "corrupt">;
  /**
   * The blobs' pack frames (see pack-codec), in order, the bytes as stored
   * and NOT re-hashed: only for senders whose receiver verifies every blob
   * against its digest (pack downloads). A store that keeps frames side by
   * side hands out whole runs of them at once, read into buffers taken from
   * `pool` when given (the caller gives each piece back once it is sent).
   * Throws `NotFoundError` naming a blob that is not stored.
   */
  frames(digests: readonly string[], pool?: PiecePool): AsyncIterable<Uint8Array>;
  /** Many puts made durable together; see BlobBatch. */
  batch(): BlobBatch;
  /**
   * Gives back the space of deleted blobs where deleting did not (blobs
   * stored together); garbage collection calls it after deleting.
   */
  compact?(): Promise<CompactionReport>;
  /** Releases files and handles; the store is unusable afterwards. */
  close(): Promise<void>;
}

export interface CompactionReport {
  /** Packs removed because no blob in them is used any more. */
  packsRemoved: number;
  /** Packs whose live blobs were copied into a smaller pack. */
  packsRewritten: number;
  /** Disk space given back. */
  bytesFreed: number;
}

/**
 * A group of puts that becomes visible on `commit`, with one durability
 * barrier for the group instead of an fsync per blob. Each blob is still
 * atomic (whole or absent); until `commit`, none is visible, and after
 * `abort` (or a failed commit before its renames) none was stored.
 */
export interface BlobBatch {
  /**
   * Checks that `bytes` hash to `digest` (`BadRequestError` if not) and
   * stages them; resolves once there is room for more (writes overlap).
   */
  add(digest: string, bytes: Uint8Array): Promise<void>;
  /**
   * Optionally, where to receive the next blob's bytes so that `add` need not
   * copy them: exactly `size` bytes, to be filled and then passed to `add`
   * before anything else is placed or added. Undefined: use a buffer of your own.
   */
  place?(digest: string, size: number): Uint8Array | undefined;
  /** Which added blobs were written and which the store already held. */
  commit(): Promise<{ stored: string[]; present: string[] }>;
  abort(): Promise<void>;
}

/**
 * Stored bytes no longer hash to their digest: disk or bucket damage, not a
 * client mistake, so it maps to a 500 while naming the blob to repair.
 */
export class BlobCorruptError extends ApiError {
  readonly digest: string;
  /** What the bytes hash to now. */
  readonly actualDigest: string;

  constructor(digest: string, actualDigest: string) {
    super("INTERNAL", `Blob ${digest} is corrupt: its bytes hash to ${actualDigest}`);
    this.name = "BlobCorruptError";
    this.digest = digest;
    this.actualDigest = actualDigest;
  }
}
