import { randomBytes } from "node:crypto";
import { invalidParameter, MlflowError } from "./mlflow-errors.js";

export interface MultipartUpload {
  id: string;
  runId: string;
  /** The artifact's path under the run's root. */
  path: string;
  numParts: number;
  /** Staged part blobs by part number. */
  parts: Map<number, string>;
  createdAt: number;
}

/** At most this many uploads are open at once; the oldest give way. */
const MAX_OPEN = 10_000;
const MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** S3's bound, which MLflow clients size their parts for. */
export const MAX_PARTS = 10_000;

/**
 * Open multipart uploads of one server process. Parts are blobs already, so
 * a lost upload (a restart) costs only the parts, which garbage collection
 * reclaims; the client then fails the upload and can retry it.
 */
export class MultipartUploads {
  private readonly open = new Map<string, MultipartUpload>();

  constructor(private readonly now: () => number = Date.now) {}

  create(runId: string, path: string, numParts: number): MultipartUpload {
    if (!Number.isSafeInteger(numParts) || numParts < 1 || numParts > MAX_PARTS) {
      throw invalidParameter(`num_parts must be an integer from 1 to ${MAX_PARTS}`);
    }
    this.expire();
    const upload: MultipartUpload = {
      id: randomBytes(16).toString("hex"),
      runId,
      path,
      numParts,
      parts: new Map(),
      createdAt: this.now(),
    };
    this.open.set(upload.id, upload);
    return upload;
  }

  get(uploadId: string): MultipartUpload {
    const upload = this.open.get(uploadId);
    if (!upload) {
      throw new MlflowError(
        "RESOURCE_DOES_NOT_EXIST",
        `No multipart upload with id '${uploadId.slice(0, 64)}'.`,
      );
    }
    return upload;
  }

  /** The upload, checked to be for this run and path (complete and abort name both). */
  getFor(uploadId: string, runId: string, path: string): MultipartUpload {
    const upload = this.get(uploadId);
    if (upload.runId !== runId || upload.path !== path) {
      throw invalidParameter(`Multipart upload '${uploadId}' is for another artifact path.`);
    }
    return upload;
  }

  remove(uploadId: string): void {
    this.open.delete(uploadId);
  }

  private expire(): void {
    const cutoff = this.now() - MAX_AGE_MS;
    for (const [id, upload] of this.open) {
      if (upload.createdAt < cutoff || this.open.size >= MAX_OPEN) this.open.delete(id);
      else break;
    }
  }
}
