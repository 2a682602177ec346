import { execFile } from "node:child_process";

export type CommandOptions = {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Largest stdout accepted; more fails with `tooLarge`. Default is 64 MiB. */
  maxBytes?: number;
};

export type CommandResult =
  | { ok: true; stdout: Buffer; stderr: string }
  | {
      ok: false;
      stdout: Buffer;
      stderr: string;
      code: number | null;
      tooLarge: boolean;
      timedOut: boolean;
    };

/**
 * Runs a program without a shell and never throws: capture must carry on when
 * a tool is missing or fails, so the caller inspects `ok` instead.
 */
export function runCommand(
  file: string,
  args: readonly string[],
  options: CommandOptions,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 0,
        maxBuffer: options.maxBytes ?? 64 * 1024 * 1024,
        encoding: "buffer",
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const err = stderr.toString("utf8");
        if (!error) {
          resolve({ ok: true, stdout, stderr: err });
          return;
        }
        const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
        resolve({
          ok: false,
          stdout,
          stderr: err || e.message,
          code: typeof e.code === "number" ? e.code : null,
          tooLarge: e.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER",
          timedOut: e.killed === true && e.code !== "ERR_CHILD_PROCESS_STDIO_MAXBUFFER",
        });
      },
    );
  });
}
