import type { Run } from "../domain/run.js";
import { formatDuration, formatMetric, formatTime, printLine } from "./output.js";

/** The human-readable form of `runs show`. */
export function printRunSummary(run: Run, experimentName: string | undefined): void {
  const end =
    run.endTime === null
      ? "-"
      : `${formatTime(run.endTime)} (${formatDuration(run.endTime - run.startTime)})`;
  const fields: [string, string][] = [
    ["run", run.id],
    ["name", run.name || "-"],
    ["experiment", experimentName ? `${experimentName} (${run.experimentId})` : run.experimentId],
    ["status", run.status],
    ["kind", run.kind],
    ["parent", run.parentId ?? "-"],
    ["start", formatTime(run.startTime)],
    ["end", end],
  ];
  if (run.lifecycleStage === "deleted") fields.push(["lifecycle", "deleted"]);
  printSection(fields, "");
  printMap("params", run.params);
  printMap("tags", run.tags);
  printMap(
    "metrics",
    Object.fromEntries(Object.entries(run.metrics).map(([k, v]) => [k, formatMetric(v)])),
  );
  const io = [
    ...run.inputs.map((i) => ["in", i] as const),
    ...run.outputs.map((o) => ["out", o] as const),
  ];
  if (io.length > 0) {
    printLine();
    printLine("inputs and outputs");
    for (const [direction, item] of io) {
      printLine(
        `  ${direction}  ${item.kind} ${item.name}@${item.version} ${item.digest.slice(0, 19)}${item.context ? ` (${item.context})` : ""}`,
      );
    }
  }
  if (run.capture && Object.keys(run.capture).length > 0) {
    printLine();
    printLine("capture");
    for (const [section, value] of Object.entries(run.capture)) {
      printLine(`  ${section}: ${JSON.stringify(value)}`);
    }
  }
}

function printMap(title: string, map: Record<string, string>): void {
  const entries = Object.entries(map).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return;
  printLine();
  printLine(title);
  printSection(entries, "  ");
}

function printSection(entries: [string, string][], indent: string): void {
  const width = Math.max(...entries.map(([k]) => k.length));
  for (const [key, value] of entries) printLine(`${indent}${key.padEnd(width)}  ${value}`);
}
