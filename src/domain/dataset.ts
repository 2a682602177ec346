/**
 * One immutable version of a dataset: the digest of its manifest plus what
 * the server assigned when it was added (number and creation time).
 */
export interface DatasetVersion {
  name: string;
  /** 1, 2, 3, … per dataset; never reused, even after retention removes a version. */
  number: number;
  /** `sha256:<hex>` of the manifest's canonical JSON; the manifest is stored as this blob. */
  digest: string;
  /** Milliseconds since the epoch, assigned by the server; strictly increasing per dataset. */
  createdAt: number;
  message: string | null;
  source: string | null;
  /** Total bytes of the version's files. */
  size: number;
  files: number;
}

/** Per-dataset retention: a version is kept when any rule keeps it. `{}` keeps everything. */
export interface DatasetRetention {
  keepLast?: number;
  keepWithinDays?: number;
}

export interface DatasetSummary {
  name: string;
  /** How many versions it holds now. */
  versions: number;
  latest?: DatasetVersion;
}

/** Letters, digits, `.`, `_` and `-`; never `@` or `/`, which references and paths use. */
export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function datasetNameProblem(name: string): string | undefined {
  if (DATASET_NAME_PATTERN.test(name)) return undefined;
  return `Invalid dataset name ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)}: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit`;
}
