import { resolve } from "node:path";
import { type BuiltManifest, buildManifest } from "../../blobs/manifest/build-manifest.js";
import { listSourceFiles } from "../../blobs/manifest/list-source-files.js";
import { datasetNameProblem } from "../../domain/dataset.js";
import { createDatasetVersion, type DatasetVersionInfo, missingBlobs } from "../api-datasets.js";
import type { HttpClient } from "../http-client.js";
import { LockstepApiError } from "../lockstep-api-error.js";
import { ChunkUploader, uploadChunks } from "./upload-chunks.js";

export interface AddProgress {
  phase: "hash" | "upload";
  bytesDone: number;
  bytesTotal: number;
}

export interface AddDatasetOptions {
  message?: string;
  /** Recorded with the version; default is the absolute source path. */
  source?: string;
  /** Packs (of a few MB) in flight at once. Default is 3. */
  concurrency?: number;
  /** A stat cache file to record the files' stats in, for a fast status later. */
  statCachePath?: string;
  onProgress?: (progress: AddProgress) => void;
  /** Called once all chunks are known and those the server lacked were uploaded. */
  onPlan?: (plan: {
    digest: string;
    chunks: number;
    missing: number;
    missingBytes: number;
  }) => void;
}

export interface AddDatasetResult {
  version: DatasetVersionInfo;
  /** False when the content equals the latest version's: no new version was made. */
  created: boolean;
  /** Distinct chunks in the version. */
  chunks: number;
  uploadedChunks: number;
  uploadedBytes: number;
}

/**
 * Makes a new dataset version from a file or folder: chunks and hashes it,
 * uploading the chunks the server lacks in packs as they are found, then
 * posts the manifest. The
 * version becomes visible only in that last step, so an add stopped half-way
 * leaves no version, and the next add skips the chunks already uploaded.
 */
export async function addDatasetVersion(
  http: HttpClient,
  name: string,
  path: string,
  options: AddDatasetOptions = {},
): Promise<AddDatasetResult> {
  // Checked before the minutes of hashing and uploading a bad name would waste.
  const problem = datasetNameProblem(name);
  if (problem) throw new Error(problem);
  const onProgress = hashProgress(options, path);
  // Chunks go up while later ones are still being found: hashing and upload overlap.
  const uploading = { bytes: 0, missing: 0 };
  const reportUpload = () =>
    options.onProgress?.({
      phase: "upload",
      bytesDone: uploading.bytes,
      bytesTotal: uploading.missing,
    });
  const uploader = new ChunkUploader(http, {
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    onMissing: (m) => {
      uploading.missing = m.bytes;
      reportUpload();
    },
    onProgress: (bytes) => {
      uploading.bytes = bytes;
      reportUpload();
    },
  });
  let built: BuiltManifest;
  try {
    built = await buildManifest(path, {
      ...(onProgress ? { onProgress } : {}),
      ...(options.statCachePath ? { statCachePath: options.statCachePath } : {}),
      onChunks: (absPath, chunks) => uploader.offer(absPath, chunks),
    });
  } catch (error) {
    await uploader.abandon();
    throw error;
  }
  const total = built.manifest.files.reduce((sum, f) => sum + f.size, 0);
  options.onProgress?.({ phase: "hash", bytesDone: total, bytesTotal: total });
  const first = await uploader.finish();
  options.onPlan?.({
    digest: built.digest,
    chunks: built.chunks.size,
    missing: first.chunks,
    missingBytes: first.bytes,
  });
  let uploadedChunks = first.chunks;
  let uploadedBytes = first.bytes;
  // A second round covers chunks the server dropped in between (e.g. a gc past its grace period).
  for (let round = 1; ; round++) {
    try {
      const answer = await createDatasetVersion(http, name, {
        manifest: built.manifest,
        ...(options.message !== undefined ? { message: options.message } : {}),
        source: options.source ?? resolve(path),
      });
      return {
        ...answer,
        chunks: built.chunks.size,
        uploadedChunks,
        uploadedBytes,
      };
    } catch (error) {
      const missingChunks =
        error instanceof LockstepApiError && error.status === 400 && /missing/i.test(error.message);
      if (!missingChunks || round >= 2) throw error;
    }
    const again = await uploadMissing(http, built, options);
    uploadedChunks += again.chunks;
    uploadedBytes += again.bytes;
  }
}

async function uploadMissing(
  http: HttpClient,
  built: BuiltManifest,
  options: AddDatasetOptions,
): Promise<{ chunks: number; bytes: number }> {
  const missing = await missingBlobs(http, [...built.chunks.keys()]);
  const missingBytes = missing.reduce((sum, d) => sum + (built.chunks.get(d)?.size ?? 0), 0);
  options.onProgress?.({ phase: "upload", bytesDone: 0, bytesTotal: missingBytes });
  return uploadChunks(http, built.chunks, missing, {
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    onProgress: (bytesDone) =>
      options.onProgress?.({ phase: "upload", bytesDone, bytesTotal: missingBytes }),
  });
}

/** Per-file progress from the builder summed into one total (the files listed up front). */
function hashProgress(
  options: AddDatasetOptions,
  path: string,
): ((p: { path: string; bytesDone: number }) => void) | undefined {
  const report = options.onProgress;
  if (!report) return undefined;
  const total = listSourceFiles(path).files.reduce((sum, f) => sum + f.size, 0);
  const seen = new Map<string, number>();
  let done = 0;
  return (p) => {
    done += p.bytesDone - (seen.get(p.path) ?? 0);
    seen.set(p.path, p.bytesDone);
    report({ phase: "hash", bytesDone: done, bytesTotal: total });
  };
}
