import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { CompactionReport } from "../blob-store.js";
import { durabilityBarrier } from "./durability-barrier.js";
import { PackFileWriter } from "./pack-file.js";
import type { PackIndex } from "./pack-index.js";
import type { PackReader } from "./pack-reader.js";

/** A pack is rewritten once less than this share of its bytes is still in use. */
const REWRITE_BELOW_LIVE = 0.5;

interface CompactionDeps {
  packDir: string;
  index: PackIndex;
  reader: PackReader;
  now(): number;
}

/**
 * Gives back the space of deleted packed blobs. Safe beside readers and
 * writers: new blobs always go to new packs, index entries move to the copy
 * in one transaction before the old file goes, and a reader that lost the
 * race looks the blob up again.
 */
export async function compactPacks(deps: CompactionDeps): Promise<CompactionReport> {
  const report: CompactionReport = { packsRemoved: 0, packsRewritten: 0, bytesFreed: 0 };
  for (const { pack, bytes, liveBlobs, liveBytes } of deps.index.usage()) {
    if (liveBlobs === 0) {
      if (deps.index.dropPack(pack)) {
        await removePack(deps, pack);
        report.packsRemoved++;
        report.bytesFreed += bytes;
      }
    } else if (liveBytes < bytes * REWRITE_BELOW_LIVE) {
      const written = await rewritePack(deps, pack);
      if (written !== undefined) {
        report.packsRewritten++;
        report.bytesFreed += bytes - written;
      }
    }
  }
  return report;
}

/** Copies a pack's live blobs into a new pack; undefined if a blob could not be read whole. */
async function rewritePack(deps: CompactionDeps, pack: string): Promise<number | undefined> {
  const writer = new PackFileWriter(join(deps.packDir, `${randomUUID()}.pack`));
  let size: number;
  try {
    for (const blob of deps.index.blobsOf(pack)) {
      const bytes = await deps.reader.read(pack, blob.offset, blob.size);
      // Damaged or gone: leave the pack as it is, for verify to report.
      if (bytes?.byteLength !== blob.size) {
        await writer.abandon();
        await rm(writer.path, { force: true });
        return undefined;
      }
      await writer.add(blob.digest, bytes);
    }
    size = await writer.finish();
    await durabilityBarrier(dirname(deps.packDir), [writer.path], [deps.packDir]);
  } catch (error) {
    await writer.abandon();
    await rm(writer.path, { force: true });
    throw error;
  }
  const name = writer.path.slice(deps.packDir.length + 1);
  if (deps.index.movePack(pack, { name, bytes: size, blobs: writer.blobs }, deps.now())) {
    await removePack(deps, pack);
  }
  return size;
}

async function removePack(deps: CompactionDeps, pack: string): Promise<void> {
  deps.reader.evict(pack);
  await rm(join(deps.packDir, pack), { force: true });
}
