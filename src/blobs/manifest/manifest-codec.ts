import { createHash } from "node:crypto";
import type { ChunkerParams } from "../chunking/chunker-params.js";
import { formatDigest, isDigest } from "../digest.js";
import { comparePaths, manifestPathProblem } from "./manifest-path.js";
import {
  MANIFEST_FORMAT,
  type Manifest,
  type ManifestChunk,
  type ManifestFile,
} from "./manifest-types.js";

/**
 * The one byte sequence a manifest hashes to: keys in a fixed order, no
 * whitespace, integers only. Objects are rebuilt so that extra or reordered
 * keys in the input cannot change the digest.
 */
export function canonicalManifestJson(manifest: Manifest): string {
  const c = manifest.chunker;
  const chunker: ChunkerParams = {
    algorithm: c.algorithm,
    version: c.version,
    gearTable: c.gearTable,
    gearTableDigest: c.gearTableDigest,
    minSize: c.minSize,
    avgSize: c.avgSize,
    maxSize: c.maxSize,
    maskSmallBits: c.maskSmallBits,
    maskLargeBits: c.maskLargeBits,
  };
  const files = manifest.files.map((f) => ({
    path: f.path,
    size: f.size,
    mode: f.mode,
    chunks: f.chunks.map((k) => ({ digest: k.digest, size: k.size })),
  }));
  return JSON.stringify({ format: manifest.format, chunker, files });
}

/** The version digest: `sha256:` of the canonical JSON. */
export function manifestDigest(manifest: Manifest): string {
  return formatDigest(createHash("sha256").update(canonicalManifestJson(manifest)).digest("hex"));
}

/** Parses and checks a manifest from outside; throws an Error with a one-line message. */
export function parseManifest(json: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`Invalid manifest: ${(error as Error).message}`);
  }
  const m = value as Manifest;
  const problem = manifestProblem(m);
  if (problem) throw new Error(`Invalid manifest: ${problem}`);
  return m;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function manifestProblem(m: Manifest): string | undefined {
  if (!isObject(m)) return "not a JSON object";
  if (m.format !== MANIFEST_FORMAT) return `unknown format ${JSON.stringify(m.format)}`;
  if (!isObject(m.chunker)) return "missing chunker parameters";
  const c = m.chunker as unknown as Record<string, unknown>;
  for (const key of ["algorithm", "gearTable", "gearTableDigest"]) {
    if (typeof c[key] !== "string") return `chunker.${key} must be a string`;
  }
  for (const key of [
    "version",
    "minSize",
    "avgSize",
    "maxSize",
    "maskSmallBits",
    "maskLargeBits",
  ]) {
    if (!isCount(c[key])) return `chunker.${key} must be a non-negative integer`;
  }
  if (!Array.isArray(m.files)) return "files must be an array";
  const paths = new Set<string>();
  let previous: string | undefined;
  for (const file of m.files as unknown[]) {
    const problem = fileProblem(file);
    if (problem) return problem;
    const { path } = file as ManifestFile;
    if (previous !== undefined && comparePaths(previous, path) >= 0) {
      return `files are not sorted by path at ${JSON.stringify(path)}`;
    }
    previous = path;
    paths.add(path);
  }
  for (const path of paths) {
    for (let at = path.indexOf("/"); at >= 0; at = path.indexOf("/", at + 1)) {
      if (paths.has(path.slice(0, at)))
        return `${JSON.stringify(path.slice(0, at))} is a file and a folder`;
    }
  }
  return undefined;
}

function fileProblem(file: unknown): string | undefined {
  if (!isObject(file) || typeof file.path !== "string") return "a file entry has no path";
  const name = JSON.stringify(file.path);
  const pathProblem = manifestPathProblem(file.path);
  if (pathProblem) return `path ${name} ${pathProblem}`;
  if (!isCount(file.size)) return `file ${name}: size must be a non-negative integer`;
  if (!isCount(file.mode) || file.mode > 0o7777) return `file ${name}: invalid mode`;
  if (!Array.isArray(file.chunks)) return `file ${name}: chunks must be an array`;
  let total = 0;
  for (const chunk of file.chunks as unknown[]) {
    const k = chunk as ManifestChunk;
    if (!isObject(chunk) || typeof k.digest !== "string" || !isDigest(k.digest)) {
      return `file ${name}: invalid chunk digest`;
    }
    if (!isCount(k.size) || k.size === 0) return `file ${name}: chunk sizes must be positive`;
    total += k.size;
  }
  if (total !== file.size) return `file ${name}: chunk sizes add up to ${total}, not ${file.size}`;
  return undefined;
}
