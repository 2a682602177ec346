import type { LineageGraph } from "../../../../../src/domain/lineage.js";
import { apiGet } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

// The server's own type: the page reads exactly what the route returns.
export type {
  LineageEdge,
  LineageGraph,
  LineageNode,
  LineageNodeType,
} from "../../../../../src/domain/lineage.js";

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
