#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { reportError } from "./cli-errors.js";

/**
 * Each subcommand's module, loaded only when needed: `lockstep run` must
 * start its command fast, and the data commands alone pull in the chunker.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  server: async () => (await import("./server-command.js")).serverCommand(),
  experiments: async () => (await import("./experiments-command.js")).experimentsCommand(),
  runs: async () => (await import("./runs-command.js")).runsCommand(),
  models: async () => (await import("./models-command.js")).modelsCommand(),
  lineage: async () => (await import("./lineage-command.js")).lineageCommand(),
  run: async () => (await import("./run-command.js")).runCommand(),
  data: async () => (await import("./data-command.js")).dataCommand(),
  sweep: async () => (await import("./sweep-command.js")).sweepCommand(),
  reproduce: async () => (await import("./reproduce-command.js")).reproduceCommand(),
  diff: async () => (await import("./diff-command.js")).diffCommand(),
};

/** Global options that take a value, so the value is not taken for the subcommand's name. */
const GLOBAL_WITH_VALUE = new Set(["--tracking-uri"]);

/** The subcommand named on the command line, when it is one we know. */
function namedCommand(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (GLOBAL_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    return Object.hasOwn(COMMANDS, arg) ? arg : undefined;
  }
  return undefined;
}

/** src/cli and dist/cli sit equally deep below package.json. */
const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

/** The `lockstep` program: global options, then one subcommand per file. */
async function createProgram(args: readonly string[]): Promise<Command> {
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
  // Help, --version and unknown commands need them all; a known command only itself.
  const named = namedCommand(args);
  const wanted = named ? [named] : Object.keys(COMMANDS);
  for (const command of await Promise.all(wanted.map((name) => COMMANDS[name]?.()))) {
    if (command) program.addCommand(command);
  }
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

try {
  const program = await createProgram(process.argv.slice(2));
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, process.argv.includes("--verbose"));
}
