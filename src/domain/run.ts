import type { LifecycleStage } from "./experiment.js";

export const RUN_STATUSES = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_KINDS = ["train", "eval", "inference", "sweep", "reproduction"] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export function isTerminalStatus(status: RunStatus): boolean {
  return status === "FINISHED" || status === "FAILED" || status === "KILLED";
}

/** A dataset version (or other entity) a run read or wrote. */
export interface RunIo {
  kind: "dataset" | "model";
  name: string;
  version: string;
  digest: string;
  context: string;
}

/** What a run records about itself; filled by run capture (code, seed, environment). */
export type RunCapture = Record<string, unknown>;

export interface RunInfo {
  id: string;
  experimentId: string;
  name: string;
  status: RunStatus;
  kind: RunKind;
  parentId: string | null;
  userId: string;
  /** Milliseconds since the epoch. */
  startTime: number;
  endTime: number | null;
  lifecycleStage: LifecycleStage;
  artifactUri: string;
}

export interface Run extends RunInfo {
  params: Record<string, string>;
  tags: Record<string, string>;
  /** The latest value of each metric key (largest step, then latest timestamp). */
  metrics: Record<string, number>;
  inputs: RunIo[];
  outputs: RunIo[];
  /** Present on single-run reads; omitted from listings. */
  capture?: RunCapture;
}
