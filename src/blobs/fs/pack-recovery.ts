import { createReadStream } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { digestOf } from "../digest.js";
import { decodePack, PACK_FRAME_HEADER_BYTES, PACK_MAGIC } from "../pack/pack-codec.js";
import { isNotFound } from "./fs-errors.js";
import type { PackedBlob, PackIndex } from "./pack-index.js";

export interface RecoveryOptions {
  /** Unregistered packs younger than this may still be being written; 0 scans all. */
  olderThan: number;
  now: number;
}

/**
 * Registers the intact blobs of pack files the index does not know: packs
 * whose batch crashed before its index commit, or every pack when the index
 * itself was lost. Each blob is re-hashed, since a crash can leave unwritten
 * pages; a pack with nothing to add is removed.
 */
export async function recoverUnindexedPacks(
  packDir: string,
  index: PackIndex,
  options: RecoveryOptions,
): Promise<number> {
  const known = index.packNames();
  let recovered = 0;
  for (const name of await readdir(packDir)) {
    if (!name.endsWith(".pack") || known.has(name)) continue;
    const path = join(packDir, name);
    try {
      if ((await stat(path)).mtimeMs > options.olderThan) continue;
      const { blobs, bytes } = await scanPack(path);
      const added = blobs.length > 0 ? index.addPack(name, bytes, blobs, options.now) : new Set();
      if (added.size === 0) {
        index.dropPack(name);
        await rm(path, { force: true });
      }
      recovered += added.size;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return recovered;
}

/** The blobs of a pack file whose bytes match their digests, up to any damage. */
async function scanPack(path: string): Promise<{ blobs: PackedBlob[]; bytes: number }> {
  const blobs: PackedBlob[] = [];
  let at = PACK_MAGIC.length;
  try {
    const frames = decodePack(createReadStream(path), {
      maxBlobs: Number.MAX_SAFE_INTEGER,
      maxBlobBytes: 2 ** 32 - 1,
    });
    for await (const { digest, bytes } of frames) {
      const offset = at + PACK_FRAME_HEADER_BYTES;
      at = offset + bytes.byteLength;
      if (digestOf(bytes) === digest) blobs.push({ digest, offset, size: bytes.byteLength });
    }
  } catch (error) {
    // A pack cut by the crash: what came before the cut is still good.
    if (isNotFound(error)) throw error;
  }
  return { blobs, bytes: (await stat(path)).size };
}
