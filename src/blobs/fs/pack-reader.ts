import { closeSync, createReadStream, statSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { openForReading, readInto, readIntoSync, SYNC_READ_MAX } from "./file-range.js";

/** Open pack files kept at once; a download reads many blobs from a few packs. */
const OPEN_PACKS = 64;

/**
 * Reads byte ranges of pack files through a small cache of open descriptors.
 * A descriptor stays valid after compaction unlinks its file, and the index
 * never points at a removed pack again, so a cached one never reads stale data.
 */
export class PackReader {
  private readonly fds = new Map<string, number>();

  constructor(private readonly packDir: string) {}

  pathOf(pack: string): string {
    return join(this.packDir, pack);
  }

  /** Whether the pack file is there (a stat; cached descriptors do not count). */
  exists(pack: string): boolean {
    return statSync(this.pathOf(pack), { throwIfNoEntry: false }) !== undefined;
  }

  /** The bytes, fewer if the file was cut short; undefined if the pack file is gone. */
  async read(pack: string, offset: number, size: number): Promise<Uint8Array | undefined> {
    const bytes = Buffer.allocUnsafe(size);
    const read = await this.readInto(pack, offset, bytes);
    return read === undefined ? undefined : bytes.subarray(0, read);
  }

  /** Fills `target` from `offset` of the pack; the bytes read, or undefined if the pack file is gone. */
  async readInto(pack: string, offset: number, target: Uint8Array): Promise<number | undefined> {
    // On a descriptor of its own: the cache may close one while a read awaits.
    if (target.byteLength > SYNC_READ_MAX) return readInto(this.pathOf(pack), offset, target);
    const fd = this.descriptor(pack);
    return fd === undefined ? undefined : readIntoSync(fd, offset, target);
  }

  /** The bytes as a stream (for large blobs); undefined if the pack file is gone. */
  stream(pack: string, offset: number, size: number): Readable | undefined {
    if (this.descriptor(pack) === undefined) return undefined;
    if (size === 0) return Readable.from([]);
    return createReadStream(this.pathOf(pack), { start: offset, end: offset + size - 1 });
  }

  /** Forgets a pack's descriptor (compaction removed it). */
  evict(pack: string): void {
    const fd = this.fds.get(pack);
    if (fd === undefined) return;
    this.fds.delete(pack);
    closeSync(fd);
  }

  close(): void {
    for (const pack of [...this.fds.keys()]) this.evict(pack);
  }

  private descriptor(pack: string): number | undefined {
    const cached = this.fds.get(pack);
    if (cached !== undefined) {
      // Re-inserted so the map's order is least recently used first.
      this.fds.delete(pack);
      this.fds.set(pack, cached);
      return cached;
    }
    const fd = openForReading(this.pathOf(pack));
    if (fd === undefined) return undefined;
    this.fds.set(pack, fd);
    if (this.fds.size > OPEN_PACKS) this.evict(this.fds.keys().next().value as string);
    return fd;
  }
}
