import type { DatasetRetention, DatasetVersion } from "../../domain/dataset.js";
import type { Database } from "../database.js";

export type DatasetVersionRow = Database["dataset_versions"];
export type DatasetRow = Database["datasets"];

export function datasetVersionRowToVersion(row: DatasetVersionRow): DatasetVersion {
  return {
    name: row.name,
    number: Number(row.number),
    digest: row.digest,
    createdAt: Number(row.created_at),
    message: row.message,
    source: row.source,
    size: Number(row.size),
    files: Number(row.files),
  };
}

export function datasetVersionToRow(version: DatasetVersion): DatasetVersionRow {
  return {
    name: version.name,
    number: version.number,
    digest: version.digest,
    created_at: version.createdAt,
    message: version.message,
    source: version.source,
    size: version.size,
    files: version.files,
  };
}

export function retentionOf(row: Pick<DatasetRow, "keep_last" | "keep_within_days">) {
  const retention: DatasetRetention = {};
  if (row.keep_last !== null) retention.keepLast = Number(row.keep_last);
  if (row.keep_within_days !== null) retention.keepWithinDays = Number(row.keep_within_days);
  return retention;
}

/** The next version's number and time: numbers count up, times strictly increase. */
export function nextVersionSlot(
  dataset: Pick<DatasetRow, "last_number" | "last_created_at"> | undefined,
  now: number,
): { number: number; createdAt: number } {
  if (!dataset || Number(dataset.last_number) === 0) return { number: 1, createdAt: now };
  return {
    number: Number(dataset.last_number) + 1,
    createdAt: Math.max(now, Number(dataset.last_created_at) + 1),
  };
}
