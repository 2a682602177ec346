import type { DatasetRetention, DatasetSummary, DatasetVersion } from "../domain/dataset.js";

export interface NewDatasetVersion {
  name: string;
  digest: string;
  message: string | null;
  source: string | null;
  size: number;
  files: number;
  /** The server's clock; the stored time is max(now, previous version's time + 1). */
  now: number;
}

export interface AddedDatasetVersion {
  version: DatasetVersion;
  /** False when the latest version already had this digest and nothing was written. */
  created: boolean;
}

/** A dataset version a run read or wrote (`run_io` rows of kind `dataset`). */
export interface DatasetUse {
  name: string;
  digest: string;
}

/**
 * Datasets and their immutable versions. Adding is atomic per dataset:
 * concurrent adds get consecutive numbers and strictly increasing times, and
 * two adds of one manifest make one version.
 */
export interface DatasetStore {
  /** Creates the dataset on its first version. */
  addVersion(input: NewDatasetVersion): Promise<AddedDatasetVersion>;
  /** Every dataset by name, with its version count and latest version. */
  list(): Promise<DatasetSummary[]>;
  exists(name: string): Promise<boolean>;
  /** Oldest first; empty for an unknown dataset. */
  versions(name: string): Promise<DatasetVersion[]>;
  latest(name: string): Promise<DatasetVersion | undefined>;
  first(name: string): Promise<DatasetVersion | undefined>;
  byNumber(name: string, number: number): Promise<DatasetVersion | undefined>;
  /** Versions whose digest's hex starts with `hexPrefix` (lowercase), oldest first. */
  byDigestPrefix(name: string, hexPrefix: string): Promise<DatasetVersion[]>;
  /** The newest version created at or before `time`. */
  asOf(name: string, time: number): Promise<DatasetVersion | undefined>;
  /** Replaces the dataset's rules (`{}` clears them); throws NotFoundError for an unknown dataset. */
  setRetention(name: string, retention: DatasetRetention): Promise<DatasetRetention>;
  /** Datasets that have at least one rule. */
  retentions(): Promise<{ name: string; retention: DatasetRetention }[]>;
  /** Removes version records (never their blobs); returns how many were removed. */
  deleteVersions(name: string, numbers: number[]): Promise<number>;
  /** Every version of every dataset, for garbage collection and verify. */
  allVersions(): AsyncIterable<DatasetVersion>;
  /** Every dataset version any run recorded as an input or output. */
  usedByRuns(): Promise<DatasetUse[]>;
}
