import { Command } from "commander";
import { type LineageGraph, ModelsApi } from "../sdk/models-api.js";
import { apiFor } from "./cli-context.js";
import { printJson, printLine } from "./output.js";

/** `lockstep lineage REF`: where a run, model version or dataset version came from and went. */
export function lineageCommand(): Command {
  return new Command("lineage")
    .description(
      "show upstream and downstream of a run id, models:/ reference or dataset reference",
    )
    .argument("<ref>", "a run id, models:/NAME@ALIAS, models:/NAME/VERSION or NAME@vN")
    .option("--json", "print the graph as JSON: {nodes, edges}")
    .action(async (ref: string, options: { json?: boolean }, command: Command) => {
      const graph = await new ModelsApi(apiFor(command)).lineage(ref);
      if (options.json) return printJson({ nodes: graph.nodes, edges: graph.edges });
      printLine(renderLineage(graph));
    });
}

/** The root, then what it came from (upstream) and what came from it (downstream), indented. */
export function renderLineage(graph: LineageGraph): string {
  const label = new Map(graph.nodes.map((n) => [n.id, `${n.type.replace("_", " ")} ${n.label}`]));
  const details = new Map(graph.nodes.map((n) => [n.id, n.details ?? {}]));
  const lines = [label.get(graph.root) ?? graph.root];
  const describe = (id: string, depth: number) => {
    for (const [key, value] of Object.entries(details.get(id) ?? {})) {
      lines.push(`${"  ".repeat(depth)}   ${key}: ${value}`);
    }
  };
  describe(graph.root, 0);
  const walk = (id: string, direction: "up" | "down", depth: number, seen: Set<string>) => {
    const next =
      direction === "up"
        ? graph.edges.filter((e) => e.to === id).map((e) => ({ id: e.from, kind: e.kind }))
        : graph.edges.filter((e) => e.from === id).map((e) => ({ id: e.to, kind: e.kind }));
    for (const n of next) {
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      lines.push(
        `${"  ".repeat(depth)}${direction === "up" ? "<-" : "->"} ${n.kind}: ${label.get(n.id) ?? n.id}`,
      );
      describe(n.id, depth);
      walk(n.id, direction, depth + 1, seen);
    }
  };
  lines.push("upstream:");
  walk(graph.root, "up", 1, new Set([graph.root]));
  lines.push("downstream:");
  walk(graph.root, "down", 1, new Set([graph.root]));
  return lines.join("\n");
}
