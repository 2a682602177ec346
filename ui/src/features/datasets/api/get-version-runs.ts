import { apiGet } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

export interface VersionRun {
  runId: string;
  label: string;
  /** "input" when the run read the version, "output" when it wrote it. */
  use: "input" | "output";
}

interface LineageGraph {
  root: string;
  nodes: { id: string; type: string; label: string }[];
  edges: { from: string; to: string; kind: string }[];
}

/**
 * The runs that read or wrote one version: the edges that touch the version
 * in its lineage graph (docs/api.md "Models and lineage").
 */
export async function getVersionRuns(
  name: string,
  version: string,
  signal: AbortSignal,
): Promise<VersionRun[]> {
  const ref = `${name}@${version}`;
  const graph = await apiGet<LineageGraph>(`/lineage?ref=${encodeURIComponent(ref)}`, signal);
  const labels = new Map(graph.nodes.map((n) => [n.id, n.label]));
  const runs: VersionRun[] = [];
  for (const edge of graph.edges) {
    if (edge.from === graph.root && edge.to.startsWith("run:")) {
      runs.push({ runId: edge.to.slice(4), label: labels.get(edge.to) ?? "", use: "input" });
    } else if (edge.to === graph.root && edge.from.startsWith("run:")) {
      runs.push({ runId: edge.from.slice(4), label: labels.get(edge.from) ?? "", use: "output" });
    }
  }
  return runs;
}

export function useVersionRuns(name: string, version: string) {
  return useAsync(
    (signal) => (version === "" ? Promise.resolve([]) : getVersionRuns(name, version, signal)),
    [name, version],
  );
}

/** Versions whose runs the page looks up on load; older ones are looked up when selected. */
export const RUNS_LOOKED_UP = 50;

/** Runs per version for the newest versions, a few lineage requests at a time. */
export async function getRunsByVersion(
  name: string,
  versions: string[],
  signal: AbortSignal,
): Promise<Map<string, VersionRun[]>> {
  const result = new Map<string, VersionRun[]>();
  const queue = versions.slice(-RUNS_LOOKED_UP);
  const worker = async () => {
    for (let version = queue.shift(); version !== undefined; version = queue.shift()) {
      result.set(version, await getVersionRuns(name, version, signal));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return result;
}

export function useRunsByVersion(name: string, versions: string[]) {
  return useAsync((signal) => getRunsByVersion(name, versions, signal), [name, versions.join()]);
}
