import type { LineageNode } from "../api/get-lineage";

/** The lineage reference that re-centres the graph on a node; commits have none. */
export function nodeRef(node: LineageNode): string | undefined {
  const rest = node.id.slice(node.id.indexOf(":") + 1);
  if (node.type === "run") return rest;
  if (node.type === "model_version") return `models:/${rest}`;
  if (node.type === "dataset_version") return rest;
  return undefined;
}

/** The page that shows a node's entity. */
export function nodePage(node: LineageNode): string | undefined {
  const rest = node.id.slice(node.id.indexOf(":") + 1);
  if (node.type === "run") return `/runs/${rest}`;
  if (node.type === "model_version") {
    const slash = rest.lastIndexOf("/");
    return `/models/${encodeURIComponent(rest.slice(0, slash))}?version=${rest.slice(slash + 1)}`;
  }
  if (node.type === "dataset_version") {
    const at = rest.lastIndexOf("@");
    return `/datasets/${encodeURIComponent(rest.slice(0, at))}?version=${rest.slice(at + 1)}`;
  }
  return undefined;
}

export const TYPE_LABEL: Record<LineageNode["type"], string> = {
  run: "run",
  model_version: "model version",
  dataset_version: "dataset version",
  commit: "commit",
};
