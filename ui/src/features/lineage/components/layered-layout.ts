/** The graph's shape (get-lineage.ts); no imports, so tests load this file anywhere. */
type NodeType = "run" | "model_version" | "dataset_version" | "commit";
interface LineageNode {
  id: string;
  type: NodeType;
  label: string;
}
interface LineageEdge {
  from: string;
  to: string;
}

export const NODE_WIDTH = 230;
export const NODE_HEIGHT = 46;
const COLUMN_GAP = 90;
const ROW_GAP = 18;
const MARGIN = 12;

export interface PlacedNode extends LineageNode {
  x: number;
  y: number;
}

export interface Layout {
  nodes: PlacedNode[];
  byId: Map<string, PlacedNode>;
  width: number;
  height: number;
}

const TYPE_ORDER: Record<NodeType, number> = {
  commit: 0,
  dataset_version: 1,
  run: 2,
  model_version: 3,
};

/**
 * Columns by depth: a node sits one column right of its deepest predecessor,
 * so edges (which point from what came first) always run left to right.
 * Within a column, nodes are grouped by type, then by label.
 */
export function layeredLayout(nodes: LineageNode[], edges: LineageEdge[]): Layout {
  const depth = new Map(nodes.map((n) => [n.id, 0]));
  // Longest-path layering; bounded by the node count, so a cycle cannot loop forever.
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false;
    for (const e of edges) {
      const from = depth.get(e.from);
      const to = depth.get(e.to);
      if (from === undefined || to === undefined) continue;
      if (to < from + 1) {
        depth.set(e.to, from + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const columns = new Map<number, LineageNode[]>();
  for (const n of nodes) {
    const d = depth.get(n.id) ?? 0;
    columns.set(d, [...(columns.get(d) ?? []), n]);
  }
  const placed: PlacedNode[] = [];
  let tallest = 0;
  for (const [d, column] of [...columns.entries()].sort(([a], [b]) => a - b)) {
    column.sort(
      (a, b) => TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || a.label.localeCompare(b.label),
    );
    column.forEach((n, i) => {
      placed.push({
        ...n,
        x: MARGIN + d * (NODE_WIDTH + COLUMN_GAP),
        y: MARGIN + i * (NODE_HEIGHT + ROW_GAP),
      });
    });
    tallest = Math.max(tallest, column.length);
  }
  const columnCount = columns.size === 0 ? 0 : Math.max(...columns.keys()) + 1;
  return {
    nodes: placed,
    byId: new Map(placed.map((n) => [n.id, n])),
    width: MARGIN * 2 + columnCount * NODE_WIDTH + Math.max(0, columnCount - 1) * COLUMN_GAP,
    height: MARGIN * 2 + tallest * NODE_HEIGHT + Math.max(0, tallest - 1) * ROW_GAP,
  };
}
