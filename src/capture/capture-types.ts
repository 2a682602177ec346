/**
 * What a run records about itself. Every shape here is a type alias of plain
 * JSON values (no classes, no undefined) so that a record is assignable to the
 * domain's `RunCapture` and survives `JSON.stringify` unchanged.
 */

/** The uncommitted changes, stored separately as a blob; the record keeps its name. */
export type DiffReference = {
  /** `sha256:` and 64 hex digits of the patch bytes. */
  digest: string;
  size: number;
};

export type GitCapture = {
  /** False when the working directory is not inside a git work tree. */
  inRepo: boolean;
  /** Remote URL of `origin` (or the first remote) with credentials removed. */
  repoUrl: string | null;
  /** Full commit id of HEAD; null outside a repo or before the first commit. */
  commit: string | null;
  /** Branch name; null when HEAD is detached or outside a repo. */
  branch: string | null;
  detached: boolean;
  /** Tracked changes or untracked files that git does not ignore. */
  dirty: boolean;
  /** The patch that turns a clean checkout of `commit` into the working tree. */
  diff: DiffReference | null;
  /** Why a dirty tree has no diff (too large, git failed), when it has none. */
  diffOmitted: string | null;
  /** The working directory relative to the repository root (`""` at the root). */
  pathInRepo: string | null;
  /** Why git could not be asked (not installed, unsafe repository owner), if it could not. */
  gitError: string | null;
};

export type PackageInfo = {
  /** The manifest the values came from, relative to the capture root. */
  file: string;
  ecosystem: "npm" | "python";
  name: string | null;
  version: string | null;
};

export type LockfileDigest = {
  /** Relative to the capture root, `/`-separated. */
  file: string;
  digest: string;
  size: number;
};

export type CodeCapture = GitCapture & {
  packages: PackageInfo[];
  lockfiles: LockfileDigest[];
  argv: string[];
  cwd: string;
  /** The script or program the command runs (MLflow's `mlflow.source.name`). */
  entryPoint: string | null;
};

export type SeedCapture = {
  root: number;
  /** `given` when the user chose the root seed, `drawn` when Lockstep did. */
  source: "given" | "drawn";
  /** Names the derived-seed function; see docs/seeds.md. */
  algorithm: "lockstep-seed-v1";
  /** Every derived seed handed out so far, by label. */
  derived: Record<string, number>;
  /** Variables exported to the child process to make frameworks deterministic. */
  determinismEnv: Record<string, string>;
};

export type GpuInfo = {
  name: string;
  memoryMiB: number | null;
  driverVersion: string | null;
};

export type PythonPackage = { name: string; version: string };

export type PythonEnvironment = {
  interpreter: string;
  executable: string | null;
  version: string | null;
  implementation: string | null;
  packages: PythonPackage[];
  /** Set when the listing failed or timed out; the other fields may then be empty. */
  error: string | null;
};

export type EnvironmentCapture = {
  os: { platform: string; type: string; release: string; version: string; arch: string };
  hostname: string;
  cpu: { model: string; count: number };
  memory: { totalBytes: number };
  /** Null when nvidia-smi is not installed; an empty list when it found no GPU. */
  gpus: GpuInfo[] | null;
  node: { version: string };
  /** Only when the command runs Python. */
  python: PythonEnvironment | null;
  container: "docker" | "podman" | null;
  /** Allow-listed variables, never any whose name looks like a secret. */
  variables: Record<string, string>;
};

/** Everything captured for one run; JSON-serialisable as is. */
export type RunCaptureRecord = {
  version: 1;
  capturedAt: string;
  user: string;
  code: CodeCapture;
  seed: SeedCapture;
  environment: EnvironmentCapture;
};
