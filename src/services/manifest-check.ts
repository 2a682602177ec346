import type { BlobStore } from "../blobs/blob-store.js";
import { resolveChunkerParams } from "../blobs/chunking/chunker-params.js";
import { parseManifest } from "../blobs/manifest/manifest-codec.js";
import type { Manifest } from "../blobs/manifest/manifest-types.js";
import { BadRequestError, type ValidationIssue } from "../domain/errors.js";

const SHOWN_IN_MESSAGE = 3;
const MAX_ISSUES = 100;

/** Checks a manifest from a request body; throws BadRequestError naming the first problem. */
export function checkManifest(value: unknown): Manifest {
  let manifest: Manifest;
  try {
    // The codec checks JSON text; a re-serialised body is the same value.
    manifest = parseManifest(JSON.stringify(value ?? null));
    resolveChunkerParams(manifest.chunker);
  } catch (error) {
    const message = (error as Error).message;
    throw new BadRequestError(
      message.startsWith("Invalid manifest") ? message : `Invalid manifest: ${message}`,
    );
  }
  return manifest;
}

interface ChunkUse {
  size: number;
  path: string;
}

/**
 * Every chunk the manifest names must be stored, with the size the manifest
 * gives it; otherwise a checkout could never complete. Returns the distinct
 * chunk digests (so the caller can protect them from garbage collection).
 */
export async function checkChunksStored(blobs: BlobStore, manifest: Manifest): Promise<string[]> {
  const chunks = new Map<string, ChunkUse & { at: string }>();
  manifest.files.forEach((file, i) => {
    file.chunks.forEach((chunk, j) => {
      if (!chunks.has(chunk.digest)) {
        chunks.set(chunk.digest, {
          size: chunk.size,
          path: file.path,
          at: `manifest.files.${i}.chunks.${j}`,
        });
      }
    });
  });
  const digests = [...chunks.keys()];
  const stats = await blobs.statMany(digests);
  const missing: string[] = [];
  const issues: ValidationIssue[] = [];
  let wrongSize: string | undefined;
  digests.forEach((digest, i) => {
    const use = chunks.get(digest) as ChunkUse & { at: string };
    const stat = stats[i];
    if (!stat) {
      missing.push(digest);
      if (issues.length < MAX_ISSUES)
        issues.push({ path: use.at, message: `missing chunk ${digest}` });
    } else if (stat.size !== use.size && wrongSize === undefined) {
      wrongSize = `Chunk ${digest} of ${JSON.stringify(use.path)} is ${stat.size} bytes on the server, not ${use.size} as the manifest says`;
    }
  });
  if (missing.length > 0) {
    const shown = missing.slice(0, SHOWN_IN_MESSAGE).join(", ");
    const more =
      missing.length > SHOWN_IN_MESSAGE ? ` and ${missing.length - SHOWN_IN_MESSAGE} more` : "";
    throw new BadRequestError(
      `The manifest references ${missing.length} chunk${missing.length === 1 ? "" : "s"} missing from the server (${shown}${more}); upload them first`,
      { issues },
    );
  }
  if (wrongSize) throw new BadRequestError(wrongSize);
  return digests;
}
