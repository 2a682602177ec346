#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { reportError } from "./cli-errors.js";
import { dataCommand } from "./data-command.js";
import { experimentsCommand } from "./experiments-command.js";
import { lineageCommand } from "./lineage-command.js";
import { modelsCommand } from "./models-command.js";
import { runCommand } from "./run-command.js";
import { runsCommand } from "./runs-command.js";
import { serverCommand } from "./server-command.js";

/** src/cli and dist/cli sit equally deep below package.json. */
const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

/** The `lockstep` program: global options, then one subcommand per file. */
function createProgram(): Command {
  const program = new Command("lockstep")
    .description("reproducible machine-learning experiment tracking")
    .option(
      "--tracking-uri <url>",
      "the tracking server (default: LOCKSTEP_TRACKING_URI, MLFLOW_TRACKING_URI, http://127.0.0.1:5005)",
    )
    .version(VERSION, "--version", "print the version")
    .option("--verbose", "on failure, print causes and stack traces")
    // Usage errors become exceptions (exit code 2) instead of commander's exit(1).
    .exitOverride();
  program.addCommand(serverCommand());
  program.addCommand(experimentsCommand());
  program.addCommand(runsCommand());
  program.addCommand(modelsCommand());
  program.addCommand(lineageCommand());
  program.addCommand(runCommand());
  program.addCommand(dataCommand());
  inheritExitOverride(program);
  return program;
}

/** addCommand does not copy settings to commands built elsewhere, so set them on each. */
function inheritExitOverride(command: Command): void {
  for (const sub of command.commands) {
    sub.exitOverride();
    inheritExitOverride(sub);
  }
}

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  // The reader went away (`lockstep runs list | head`): nothing left to do.
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const program = createProgram();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, process.argv.includes("--verbose"));
}
