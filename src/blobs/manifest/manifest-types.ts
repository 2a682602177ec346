import type { ChunkerParams } from "../chunking/chunker-params.js";

export const MANIFEST_FORMAT = "lockstep-manifest/1";

export interface ManifestChunk {
  /** `sha256:<hex>` of the chunk's bytes. */
  digest: string;
  size: number;
}

export interface ManifestFile {
  /** POSIX path relative to the version's root, valid UTF-8, bytes kept as found. */
  path: string;
  size: number;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** In file order; empty for an empty file. */
  chunks: ManifestChunk[];
}

/** An immutable dataset version; its canonical JSON's SHA-256 is the version digest. */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** How every file was chunked; re-chunking for status uses these, not today's defaults. */
  chunker: ChunkerParams;
  /** Sorted by path in code-point (= UTF-8 byte) order. */
  files: ManifestFile[];
}
