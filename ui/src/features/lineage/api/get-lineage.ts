import { apiGet } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

export type LineageNodeType = "run" | "model_version" | "dataset_version" | "commit";

export interface LineageNode {
  id: string;
  type: LineageNodeType;
  label: string;
  /** For runs: seed, params, uncommitted diff and environment. */
  details?: Record<string, string>;
}

export interface LineageEdge {
  from: string;
  to: string;
  kind: string;
}

export interface LineageGraph {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export function getLineage(ref: string, signal: AbortSignal): Promise<LineageGraph> {
  return apiGet<LineageGraph>(`/lineage?ref=${encodeURIComponent(ref)}`, signal);
}

/** Nothing is fetched while `ref` is empty. */
export function useLineage(ref: string) {
  return useAsync(
    (signal) => (ref === "" ? Promise.resolve(undefined) : getLineage(ref, signal)),
    [ref],
  );
}
