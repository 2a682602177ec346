import { Command } from "commander";
import { apiFor } from "./cli-context.js";
import { formatTime, printJson, printLine, renderTable } from "./output.js";

/** `lockstep experiments create|list`. */
export function experimentsCommand(): Command {
  const experiments = new Command("experiments").description("create and list experiments");

  experiments
    .command("create")
    .description("create an experiment and print its id")
    .argument("<name>", "the experiment's name (unique)")
    .action(async (name: string, _options: unknown, command: Command) => {
      const experiment = await apiFor(command).createExperiment(name);
      printLine(experiment.id);
    });

  experiments
    .command("list")
    .description("list active experiments")
    .option("--all", "include deleted experiments")
    .option("--json", "print a JSON array")
    .action(async (options: { json?: boolean; all?: boolean }, command: Command) => {
      const list = await apiFor(command).allExperiments(options.all ? "ALL" : "ACTIVE_ONLY");
      if (options.json) {
        printJson(list);
        return;
      }
      const rows = list.map((e) => [
        e.id,
        e.name,
        ...(options.all ? [e.lifecycleStage] : []),
        formatTime(e.creationTime),
      ]);
      const headers = ["ID", "NAME", ...(options.all ? ["STAGE"] : []), "CREATED"];
      printLine(renderTable(headers, rows));
    });

  return experiments;
}
