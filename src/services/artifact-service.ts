import type { Readable } from "node:stream";
import type { BlobSource, StoredBlob } from "../blobs/blob-store.js";
import { normaliseArtifactFolder, normaliseArtifactPath } from "../domain/artifact-path.js";
import { NotFoundError } from "../domain/errors.js";
import type { ArtifactEntry } from "../store/metadata-store.js";
import { quote } from "./key-rules.js";
import { RunBlobService } from "./run-blob-service.js";

export interface StoredArtifact {
  path: string;
  size: number;
  digest: string;
}

/** One direct entry of a folder: a file, or a sub-folder (`isDir`) holding files. */
export interface ArtifactListing {
  path: string;
  isDir: boolean;
  size?: number;
  digest?: string;
}

export interface OpenedArtifact {
  entry: ArtifactEntry;
  /** Re-hashes as it streams; fails before its last chunk if the bytes are corrupt. */
  stream: Readable;
}

/** A run's artifacts: bytes in the content-addressed blob store, paths in the index. */
export class ArtifactService extends RunBlobService {
  async put(runId: string, rawPath: string, source: BlobSource): Promise<StoredArtifact> {
    const path = normaliseArtifactPath(rawPath);
    await this.runs.getWritable(runId);
    const { digest, size } = await this.blobs.put(source);
    await this.store.artifacts.put({ runId, path, digest, size, createdAt: this.now() });
    return { path, size, digest };
  }

  async open(runId: string, rawPath: string): Promise<OpenedArtifact> {
    const path = normaliseArtifactPath(rawPath);
    await this.runs.getInfo(runId);
    const entry = await this.store.artifacts.get(runId, path);
    if (!entry) throw new NotFoundError(`run ${runId} has no artifact ${quote(path)}`);
    const stream = await this.blobs.get(entry.digest);
    if (!stream) {
      throw new NotFoundError(`the bytes of artifact ${quote(path)} (${entry.digest}) are missing`);
    }
    return { entry, stream };
  }

  /** Deletes a file, or every file under a folder; returns how many went. */
  async delete(runId: string, rawPath: string): Promise<number> {
    const path = normaliseArtifactFolder(rawPath);
    await this.runs.getWritable(runId);
    const entries = await this.store.artifacts.listUnder(runId, path);
    const prefix = path === "" ? "" : `${path}/`;
    let deleted = 0;
    for (const entry of entries) {
      if (entry.path !== path && !entry.path.startsWith(prefix)) continue;
      if (await this.store.artifacts.delete(runId, entry.path)) deleted++;
    }
    return deleted;
  }

  /**
   * Stores one part of a multipart upload as a blob that no artifact refers
   * to yet (garbage collection takes it if the upload is never completed).
   */
  async stagePart(source: BlobSource): Promise<StoredBlob> {
    return this.blobs.put(source);
  }

  /** Completes a multipart upload: the staged parts, in order, become one artifact. */
  async putParts(runId: string, rawPath: string, digests: string[]): Promise<StoredArtifact> {
    for (const digest of digests) {
      if (!(await this.blobs.has(digest))) {
        throw new NotFoundError(`upload part ${digest} is missing; upload it again`);
      }
    }
    const blobs = this.blobs;
    async function* concatenated(): AsyncIterable<Uint8Array> {
      for (const digest of digests) {
        const stream = await blobs.get(digest);
        if (!stream) throw new NotFoundError(`upload part ${digest} is missing`);
        for await (const chunk of stream) yield chunk as Uint8Array;
      }
    }
    return this.put(runId, rawPath, concatenated());
  }

  /** The direct entries of a folder ("" is the run's root), sorted by path. */
  async list(runId: string, rawFolder: string): Promise<ArtifactListing[]> {
    const folder = normaliseArtifactFolder(rawFolder);
    await this.runs.getInfo(runId);
    const entries = await this.store.artifacts.listUnder(runId, folder);
    const prefix = folder === "" ? "" : `${folder}/`;
    const dirs = new Set<string>();
    const files: ArtifactListing[] = [];
    for (const entry of entries) {
      if (!entry.path.startsWith(prefix)) continue;
      const rest = entry.path.slice(prefix.length);
      const slash = rest.indexOf("/");
      if (slash === -1) {
        files.push({ path: entry.path, isDir: false, size: entry.size, digest: entry.digest });
      } else {
        dirs.add(prefix + rest.slice(0, slash));
      }
    }
    const folders = [...dirs].map((path) => ({ path, isDir: true }));
    return [...folders, ...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
