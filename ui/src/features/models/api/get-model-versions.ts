import { apiGet, type MetricJson } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

export interface ModelVersion {
  name: string;
  version: number;
  runId: string;
  sourcePath: string;
  source: string;
  digest: string;
  description: string;
  status: string;
  stage: string;
  userId: string;
  createdAt: number;
  updatedAt: number;
  tags: Record<string, string>;
  aliases: string[];
  /** The latest metrics of the run that produced the version. */
  runMetrics?: Record<string, MetricJson>;
}

export async function getModelVersions(name: string, signal: AbortSignal) {
  const path = `/models/${encodeURIComponent(name)}/versions`;
  return (await apiGet<{ versions: ModelVersion[] }>(path, signal)).versions;
}

/** Newest first. */
export function useModelVersions(name: string, revision: number) {
  return useAsync((signal) => getModelVersions(name, signal), [name, revision]);
}
