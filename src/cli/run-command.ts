import { Command, Option } from "commander";
import { resolveTrackingUri } from "../sdk/tracking-uri.js";
import { collect } from "./cli-arguments.js";
import type { GlobalOptions } from "./cli-context.js";
import { CliError, EXIT } from "./cli-errors.js";
import { keyValues, parseSeedOption, type RunOptions } from "./run/run-options.js";
import { runSession } from "./run/run-session.js";

/** `lockstep run [OPTIONS] -- COMMAND [ARGS...]` (INTERFACE.md, "Wrapping a command"). */
export function runCommand(): Command {
  return new Command("run")
    .description("run a command as a tracked run: code, seed, environment, output and metrics")
    .usage("[options] -- <command> [args...]")
    .argument("<command...>", "the command and its arguments")
    .option("--experiment <name>", "the experiment", "Default")
    .option("--name <name>", "the run's name")
    .option("--seed <n>", "the root seed (drawn and recorded when absent)", parseSeedOption)
    .option(
      "--param <key=value>",
      "a param, also passed on in LOCKSTEP_PARAMS (repeatable)",
      collect,
      [],
    )
    .option("--tag <key=value>", "a tag (repeatable)", collect, [])
    .option("--parent <run>", "nest under this run")
    .addOption(
      new Option("--kind <kind>", "what the run does")
        .choices(["train", "eval", "inference"])
        .default("train"),
    )
    .option(
      "--output <path>",
      "a file or folder uploaded when the command ends (repeatable)",
      collect,
      [],
    )
    .option("--data <ref>", "a dataset the command uses (repeatable)", collect, [])
    .option("--model <modelref>", "a registered model the command uses")
    .action(async (argv: string[], options: RunOptions, command: Command) => {
      let params: Record<string, string>;
      let tags: Record<string, string>;
      try {
        params = keyValues("param", options.param);
        tags = keyValues("tag", options.tag);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT.usage);
      }
      const { trackingUri } = command.optsWithGlobals<GlobalOptions>();
      const exitCode = await runSession({
        trackingUri: resolveTrackingUri(trackingUri),
        argv,
        cwd: process.cwd(),
        options,
        params,
        tags,
      });
      // The run is recorded and ended: leave at once. Node's orderly teardown
      // (freeing the heap, joining its threads) would add tens of milliseconds
      // to every run; only our own output must get out first.
      await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
      process.exit(exitCode);
    });
}

/** Resolves once everything written to `stream` so far has been handed to the system. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) resolve();
    else stream.write("", () => resolve());
  });
}
