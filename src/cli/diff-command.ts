import { Command } from "commander";
import { diffRuns } from "../domain/reproduction/reproduction-report.js";
import { apiFor } from "./cli-context.js";
import { printJson, printLine } from "./output.js";
import { diffText } from "./reproduce/report-text.js";
import { fetchRunSnapshot } from "./reproduce/run-snapshot.js";

/** `lockstep diff RUN_A RUN_B`: why two recorded runs differ, factor by factor. */
export function diffCommand(): Command {
  return new Command("diff")
    .description(
      "compare two recorded runs: code, data, seed, params, environment, metrics, artifacts",
    )
    .argument("<run-a>", "the first run's id")
    .argument("<run-b>", "the second run's id")
    .option("--json", "print the comparison as JSON")
    .action(async (a: string, b: string, options: { json?: boolean }, command: Command) => {
      const api = apiFor(command);
      const [sa, sb] = await Promise.all([fetchRunSnapshot(api, a), fetchRunSnapshot(api, b)]);
      const diff = diffRuns(sa, sb);
      if (options.json) printJson(diff);
      else printLine(diffText(diff).join("\n"));
    });
}
