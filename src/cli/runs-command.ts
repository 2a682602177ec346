import { Command } from "commander";
import { LIMITS } from "../domain/limits.js";
import type { ReproductionRecord } from "../domain/reproduction/reproduction-tags.js";
import type { Run } from "../domain/run.js";
import type { LockstepApi } from "../sdk/api-client.js";
import { listReproductions } from "../sdk/api-reproductions.js";
import { collect, parsePositiveInt } from "./cli-arguments.js";
import { apiFor } from "./cli-context.js";
import { formatMetric, formatTime, printJson, printLine, renderTable } from "./output.js";
import { printRunSummary } from "./run-summary.js";

interface ListOptions {
  experiment?: string;
  filter?: string;
  orderBy?: string[];
  max: number;
  json?: boolean;
}

const DEFAULT_MAX = 1000;
const METRIC_COLUMNS = 3;

/** `lockstep runs list|show`. */
export function runsCommand(): Command {
  const runs = new Command("runs").description("search and inspect runs");

  runs
    .command("list")
    .description("list runs, newest first unless --order-by says otherwise")
    .option("--experiment <name>", "only runs of this experiment")
    .option(
      "--filter <expr>",
      "MLflow search syntax, e.g. \"metrics.acc > 0.9 and params.lr = '0.01'\"",
    )
    .option("--order-by <expr>", 'e.g. "metrics.acc DESC" (repeatable)', collect)
    .option(
      "--max <n>",
      `at most this many runs (default ${DEFAULT_MAX})`,
      parsePositiveInt,
      DEFAULT_MAX,
    )
    .option("--json", "print a JSON array of runs")
    .action(async (options: ListOptions, command: Command) => {
      const api = apiFor(command);
      const found = await searchRuns(api, options);
      if (options.json) {
        printJson(found);
        return;
      }
      const names = new Map((await api.allExperiments("ALL")).map((e) => [e.id, e.name]));
      const preferred = (options.orderBy ?? [])
        .map((o) => /^\s*metrics\.(?:`([^`]+)`|"([^"]+)"|(\S+))/.exec(o))
        .map((m) => m?.[1] ?? m?.[2] ?? m?.[3])
        .filter((k): k is string => k !== undefined);
      const rows = found.map((run) => [
        run.id,
        run.name,
        run.status,
        names.get(run.experimentId) ?? run.experimentId,
        formatTime(run.startTime),
        keyMetrics(run, preferred),
      ]);
      printLine(renderTable(["ID", "NAME", "STATUS", "EXPERIMENT", "START", "METRICS"], rows));
    });

  runs
    .command("show")
    .description("show one run: params, tags, metrics, capture")
    .argument("<run>", "the run's id")
    .option("--json", "print the run as JSON")
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const api = apiFor(command);
      const run = await api.getRun(id);
      if (options.json) {
        printJson(run);
        return;
      }
      const [experiments, reproductions] = await Promise.all([
        api.allExperiments("ALL"),
        // A server without the route (an older one) still shows the run.
        listReproductions(api, run.id).catch(() => []),
      ]);
      const experiment = experiments.find((e) => e.id === run.experimentId);
      printRunSummary(run, experiment?.name);
      printReproductions(reproductions);
    });

  return runs;
}

/** How often the run was reproduced, when, and how each came out. */
function printReproductions(list: ReproductionRecord[]): void {
  if (list.length === 0) return;
  printLine();
  printLine(`reproductions (${list.length})`);
  for (const r of list) {
    const outcome = r.verdict ?? (r.seeds ? `seed spread (${r.seeds} seeds)` : r.status);
    printLine(`  ${r.runId}  ${formatTime(r.startTime)}  ${outcome}`);
  }
}

async function searchRuns(api: LockstepApi, options: ListOptions): Promise<Run[]> {
  const experimentIds = options.experiment
    ? [(await api.getExperimentByName(options.experiment)).id]
    : undefined;
  const found: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await api.searchRuns({
      ...(experimentIds ? { experimentIds } : {}),
      ...(options.filter ? { filter: options.filter } : {}),
      ...(options.orderBy ? { orderBy: options.orderBy } : {}),
      maxResults: Math.min(options.max - found.length, LIMITS.searchMaxResults),
      ...(pageToken ? { pageToken } : {}),
    });
    found.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken && found.length < options.max);
  return found;
}

/** A few metrics as `key=value`: those the order names first, then alphabetical. */
function keyMetrics(run: Run, preferred: string[]): string {
  const keys = Object.keys(run.metrics);
  const ordered = [
    ...preferred.filter((k) => keys.includes(k)),
    ...keys.filter((k) => !preferred.includes(k)).sort(),
  ].slice(0, METRIC_COLUMNS);
  const text = ordered.map((k) => `${k}=${formatMetric(run.metrics[k] as number)}`).join(" ");
  return keys.length > METRIC_COLUMNS ? `${text} …` : text;
}
