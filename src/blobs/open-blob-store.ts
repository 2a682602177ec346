import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { BlobStore } from "./blob-store.js";
import { FsBlobStore } from "./fs/fs-blob-store.js";

/** Two or more letters before the colon, so a Windows drive (`C:\x`) reads as a path. */
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * Opens the blob store a `--blobs` value names: a plain path, `file:<path>` or
 * `file:///abs/path` gives the filesystem store (creating the folder).
 *
 * @example
 * const blobs = await openBlobStore("./.lockstep/blobs");
 */
export async function openBlobStore(url: string): Promise<BlobStore> {
  if (url.trim() === "") throw new Error("The blob store location is empty");
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return FsBlobStore.open(resolve(url));
  if (scheme === "file") return FsBlobStore.open(filePath(url));
  if (scheme === "s3") throw new Error("S3 blob stores are not supported yet");
  throw new Error(
    `Unsupported blob store URL ${JSON.stringify(url)}: use a path, file:<path> or s3://bucket/prefix`,
  );
}

function filePath(url: string): string {
  if (url.startsWith("file://")) {
    try {
      return fileURLToPath(url);
    } catch (cause) {
      throw new Error(`Invalid file URL ${JSON.stringify(url)}`, { cause });
    }
  }
  // `file:relative/path`, like `sqlite:<path>` for the metadata store.
  const path = url.slice("file:".length);
  if (path === "") throw new Error("The blob store location is empty");
  return resolve(path);
}
