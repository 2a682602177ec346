import { CommanderError } from "commander";

/** Exit codes of the CLI contract (INTERFACE.md). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A failure to report as one `error:` line, without a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * Turns whatever a command threw into an exit code, printing one `error:` line
 * on stderr (commander has already printed its own usage errors). `verbose`
 * adds the stack and the causes.
 */
export function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // Help and version asked for exit 0; everything else commander stops on is a usage error.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${firstLine(message)}\n`);
  if (verbose) {
    for (let current: unknown = error; current; current = (current as Error).cause) {
      const stack = current instanceof Error ? current.stack : String(current);
      process.stderr.write(`${stack}\n`);
      if (!(current instanceof Error)) break;
    }
  }
  return error instanceof CliError ? error.exitCode : EXIT.failure;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
