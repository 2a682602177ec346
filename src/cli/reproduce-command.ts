import { Command, InvalidArgumentError } from "commander";
import { VERDICT_EXIT } from "../domain/reproduction/verdict.js";
import { resolveTrackingUri } from "../sdk/tracking-uri.js";
import { parsePositiveInt } from "./cli-arguments.js";
import { apiFor, type GlobalOptions } from "./cli-context.js";
import { printJson, printLine } from "./output.js";
import { reproductionText, spreadText } from "./reproduce/report-text.js";

interface ReproduceFlags {
  tolerance: number;
  workdir?: string;
  seeds?: number;
  install?: boolean;
  json?: boolean;
}

/** `lockstep reproduce RUN` (INTERFACE.md, "Reproduction"). */
export function reproduceCommand(): Command {
  return new Command("reproduce")
    .description("re-run a recorded run from its recorded code, data, seed and params, and compare")
    .argument("<run>", "the run's id")
    .option("--tolerance <rel>", "relative difference accepted in metrics", parseTolerance, 0)
    .option("--workdir <dir>", "check out into this empty folder (default: a temp folder, removed)")
    .option(
      "--seeds <n>",
      "run under N derived seeds and report each metric's spread",
      parsePositiveInt,
    )
    .option(
      "--install",
      "install a Node project's dependencies with npm ci when no node_modules installed from the recorded lockfile can be reused",
    )
    .option("--json", "print the report as JSON")
    .action(async (runId: string, flags: ReproduceFlags, command: Command) => {
      const api = apiFor(command);
      const trackingUri = resolveTrackingUri(command.optsWithGlobals<GlobalOptions>().trackingUri);
      // Progress goes to stderr, and only when a person watches.
      const progress = process.stdout.isTTY
        ? (message: string) => process.stderr.write(`lockstep: ${message}\n`)
        : () => undefined;
      const common = {
        api,
        trackingUri,
        runId,
        tolerance: flags.tolerance,
        json: flags.json === true,
        install: flags.install === true,
        progress,
        ...(flags.workdir ? { workdir: flags.workdir } : {}),
      };
      if (flags.seeds !== undefined) {
        const { reproduceSeeds } = await import("./reproduce/reproduce-seeds.js");
        const report = await reproduceSeeds({ ...common, count: flags.seeds });
        if (flags.json) printJson(report);
        else if (report.missing.length > 0)
          printLine(["not reproducible:", ...report.missing.map((m) => `  ${m}`)].join("\n"));
        else printLine(spreadText(report.spread, report.runs).join("\n"));
        process.exitCode =
          report.missing.length > 0
            ? VERDICT_EXIT.not_reproducible
            : report.originalWithin
              ? 0
              : VERDICT_EXIT.diverged;
        return;
      }
      const { reproduce } = await import("./reproduce/reproduce.js");
      const report = await reproduce(common);
      if (flags.json) printJson(report);
      else printLine(reproductionText(report).join("\n"));
      process.exitCode = VERDICT_EXIT[report.verdict];
    });
}

function parseTolerance(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError("must be a number >= 0, e.g. 1e-6.");
  }
  return n;
}
