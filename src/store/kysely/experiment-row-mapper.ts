import type { Experiment, LifecycleStage } from "../../domain/experiment.js";
import type { ExperimentTable } from "../database.js";

export type ExperimentRow = Omit<ExperimentTable, "experiment_id"> & { experiment_id: number };

export function experimentRowToExperiment(
  row: ExperimentRow,
  tags: Record<string, string>,
): Experiment {
  return {
    id: String(row.experiment_id),
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
    tags,
    creationTime: row.creation_time,
    lastUpdateTime: row.last_update_time,
  };
}

/**
 * Experiment ids are decimal strings in the domain and integers in the
 * database. Anything that is not a plain non-negative integer names no
 * experiment, so lookups return `undefined` instead of a driver error.
 */
export function parseExperimentId(id: string): number | undefined {
  if (!/^\d{1,15}$/.test(id)) return undefined;
  return Number(id);
}

/** An experiment just created, from its new id and what was stored. */
export function newExperiment(
  id: number | bigint | string,
  input: { name: string; artifactLocation: string; tags: Record<string, string>; now: number },
): Experiment {
  return {
    id: String(id),
    name: input.name,
    artifactLocation: input.artifactLocation,
    lifecycleStage: "active",
    tags: input.tags,
    creationTime: input.now,
    lastUpdateTime: input.now,
  };
}
