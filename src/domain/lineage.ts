/**
 * The lineage graph around a run, model version or dataset version, as
 * GET /api/v1/lineage returns it: one shape for the server, SDK, CLI and UI.
 */
export type LineageNodeType = "run" | "model_version" | "dataset_version" | "commit";

export interface LineageNode {
  id: string;
  type: LineageNodeType;
  label: string;
  /** For runs: seed, params, uncommitted diff and environment (services/lineage-run-details.ts). */
  details?: Record<string, string>;
}

/** Edges point from what came first to what was made from it. */
export interface LineageEdge {
  from: string;
  to: string;
  /** "input", "output", "registered", "code", "parent". */
  kind: string;
}

export interface LineageGraph {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}
