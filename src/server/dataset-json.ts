import type { DatasetSummary, DatasetVersion } from "../domain/dataset.js";

/** A version as the API shows it: `vN` beside the number, the time as ISO-8601. */
export function datasetVersionJson(version: DatasetVersion) {
  return {
    name: version.name,
    version: `v${version.number}`,
    number: version.number,
    digest: version.digest,
    createdAt: new Date(version.createdAt).toISOString(),
    message: version.message,
    source: version.source,
    size: version.size,
    files: version.files,
  };
}

export function datasetSummaryJson(summary: DatasetSummary) {
  return {
    name: summary.name,
    versions: summary.versions,
    ...(summary.latest ? { latest: datasetVersionJson(summary.latest) } : {}),
  };
}
