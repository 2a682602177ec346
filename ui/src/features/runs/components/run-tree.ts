import type { Run } from "../../../lib/api";

export interface TreeRow {
  run: Run;
  depth: number;
  childCount: number;
  expanded: boolean;
}

/**
 * Nests runs under their parents (sweep → trials → folds) while keeping the
 * server's order among siblings. A run whose parent is not in the list
 * (filtered out, or not loaded yet) shows at the top level.
 */
export function flattenTree(runs: Run[], expanded: ReadonlySet<string>): TreeRow[] {
  const ids = new Set(runs.map((r) => r.id));
  const children = new Map<string, Run[]>();
  const roots: Run[] = [];
  for (const run of runs) {
    if (run.parentId !== null && ids.has(run.parentId)) {
      const list = children.get(run.parentId);
      if (list) list.push(run);
      else children.set(run.parentId, [run]);
    } else {
      roots.push(run);
    }
  }
  const rows: TreeRow[] = [];
  const visit = (run: Run, depth: number) => {
    const kids = children.get(run.id) ?? [];
    const open = expanded.has(run.id);
    rows.push({ run, depth, childCount: kids.length, expanded: open });
    if (open) for (const kid of kids) visit(kid, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return rows;
}
