/** A named model in the registry; versions number 1, 2, 3… and are never reused. */
export interface RegisteredModel {
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
  tags: Record<string, string>;
  /** Alias → version number. */
  aliases: Record<string, number>;
  /** The highest live version, or null when the model has none. */
  latestVersion: number | null;
}

/** One file of a version, pinned by digest at registration. */
export interface ModelVersionFile {
  /** Relative to the version's root (the registered artifact path). */
  path: string;
  digest: string;
  size: number;
}

export const MODEL_VERSION_STATUSES = ["READY"] as const;
export const MODEL_STAGES = ["None", "Staging", "Production", "Archived"] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

export interface ModelVersion {
  name: string;
  version: number;
  runId: string;
  /** The artifact path of the run the files came from ("" for the whole run). */
  sourcePath: string;
  /** Where the client may say the files came from (MLflow's `source`). */
  source: string;
  /** `sha256:` over the sorted file list (path, digest); see modelVersionDigest. */
  digest: string;
  description: string;
  status: "READY";
  stage: ModelStage;
  userId: string;
  createdAt: number;
  updatedAt: number;
  tags: Record<string, string>;
  aliases: string[];
  /** Present on single-version reads. */
  files?: ModelVersionFile[];
}

/** One move of an alias: `fromVersion` null when it was created, `toVersion` null when deleted. */
export interface AliasMove {
  seq: number;
  name: string;
  alias: string;
  fromVersion: number | null;
  toVersion: number | null;
  /** "set", "delete" or "rollback" (which undoes the latest move not yet undone). */
  kind: AliasMoveKind;
  user: string;
  at: number;
}

export type AliasMoveKind = "set" | "delete" | "rollback";
