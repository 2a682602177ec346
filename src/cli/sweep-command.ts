import { readFileSync } from "node:fs";
import { Command } from "commander";
import { resolveTrackingUri } from "../sdk/tracking-uri.js";
import { readSweepText } from "../sweeps/parse-sweep-spec.js";
import { collect, parsePositiveInt } from "./cli-arguments.js";
import { apiFor, type GlobalOptions } from "./cli-context.js";
import { CliError } from "./cli-errors.js";
import { printJson, printLine } from "./output.js";
import { runAgent } from "./sweep/sweep-agent.js";
import { printSweep } from "./sweep/sweep-format.js";
import { SweepsApi } from "./sweep/sweeps-api.js";

function readSpecFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return readSweepText(text);
}

/** `lockstep sweep create|agent|show` (INTERFACE.md, "Sweeps"). */
export function sweepCommand(): Command {
  const sweep = new Command("sweep").description("hyper-parameter sweeps: trials leased by agents");
  const client = (command: Command) => new SweepsApi(apiFor(command));

  sweep
    .command("create")
    .description("record a sweep from a YAML or JSON file and print its id")
    .argument("<file>", "the sweep spec")
    .action(async (file: string, _options: unknown, command: Command) => {
      const view = await client(command).create(readSpecFile(file));
      printLine(view.id);
    });

  sweep
    .command("agent")
    .description("lease trials of a sweep and run them, one after another")
    .argument("<sweep>", "the sweep id")
    .option("--count <n>", "stop after this many trials", parsePositiveInt)
    .option("--data <ref>", "a dataset each trial uses (repeatable)", collect, [])
    .option("--output <path>", "uploaded from each trial when it ends (repeatable)", collect, [])
    .action(
      async (
        sweepId: string,
        options: { count?: number; data: string[]; output: string[] },
        command: Command,
      ) => {
        const api = client(command);
        await api.show(sweepId);
        const { trackingUri } = command.optsWithGlobals<GlobalOptions>();
        process.exitCode = await runAgent({
          trackingUri: resolveTrackingUri(trackingUri),
          sweepId,
          api,
          cwd: process.cwd(),
          data: options.data,
          output: options.output,
          ...(options.count !== undefined ? { count: options.count } : {}),
        });
      },
    );

  sweep
    .command("show")
    .description("counts by state, the best trial and the table of trials")
    .argument("<sweep>", "the sweep id")
    .option("--json", "print JSON")
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const view = await client(command).show(id);
      if (options.json) printJson(view);
      else printSweep(view);
    });
  return sweep;
}
