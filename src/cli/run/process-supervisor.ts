import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";

/** How the command ended, and what `lockstep run` exits with. */
export type ChildOutcome = {
  /** The shell's convention: the exit code, 128 + signal number, 127 not found, 126 not executable. */
  exitCode: number;
  /** The child's own exit code; null when it died of a signal or never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** One line for the run's record: why it ended as it did. */
  reason: string;
  /** False when the program could not be started at all. */
  started: boolean;
};

export type SupervisorOptions = {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Receives every chunk of the child's stdout and stderr, in arrival order. */
  log: Writable;
  /** How long a forwarded signal is given before SIGKILL. Default is 10 s. */
  graceMs?: number;
};

/**
 * Runs the command in its own process group with stdout and stderr piped and
 * copied live to ours (respecting back-pressure), forwards signals to the
 * whole group, and SIGKILLs the group when it outlives the grace period.
 */
export class ProcessSupervisor {
  readonly child: ChildProcess;
  readonly done: Promise<ChildOutcome>;
  private readonly graceMs: number;
  private killTimer: NodeJS.Timeout | undefined;
  private exited = false;

  constructor(options: SupervisorOptions) {
    this.graceMs = options.graceMs ?? 10_000;
    const [program, ...args] = options.argv;
    if (program === undefined) throw new Error("no command given");
    // Its own group, so one kill reaches the grandchildren (data loaders, shells) too.
    this.child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["inherit", "pipe", "pipe"],
      detached: true,
    });
    tee(this.child.stdout, process.stdout, options.log);
    tee(this.child.stderr, process.stderr, options.log);
    this.done = this.watch(program);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends a signal to the child's process group; the first also starts the grace timer. */
  forward(signal: NodeJS.Signals): void {
    this.killGroup(signal);
    if (!this.killTimer) {
      this.killTimer = setTimeout(() => this.killGroup("SIGKILL"), this.graceMs);
      this.killTimer.unref();
    }
  }

  /** Ends the group at once (a second Ctrl-C). */
  kill(): void {
    this.killGroup("SIGKILL");
  }

  private killGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exited) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already; the child itself may still be reaped below.
      try {
        this.child.kill(signal);
      } catch {
        // nothing left to signal
      }
    }
  }

  private watch(program: string): Promise<ChildOutcome> {
    return new Promise((resolve) => {
      let spawnError: NodeJS.ErrnoException | undefined;
      this.child.once("error", (error: NodeJS.ErrnoException) => {
        spawnError = error;
        // A failed spawn may emit no 'close' in some Node versions.
        if (this.child.pid === undefined) setImmediate(() => finish(null, null));
      });
      let finished = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (finished) return;
        finished = true;
        this.exited = true;
        if (this.killTimer) clearTimeout(this.killTimer);
        resolve(outcome(program, code, signal, spawnError));
      };
      this.child.once("close", (code, signal) => finish(code, signal));
    });
  }
}

function outcome(
  program: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  spawnError: NodeJS.ErrnoException | undefined,
): ChildOutcome {
  if (spawnError && (code === null || code < 0)) {
    if (spawnError.code === "ENOENT") {
      return notStarted(127, `command not found: ${program}`);
    }
    if (spawnError.code === "EACCES" || spawnError.code === "EISDIR") {
      return notStarted(126, `permission denied: ${program}`);
    }
    return notStarted(126, `could not start ${program}: ${spawnError.message}`);
  }
  if (signal) {
    const number = constants.signals[signal] ?? 0;
    return {
      exitCode: 128 + number,
      code: null,
      signal,
      reason: `killed by ${signal}`,
      started: true,
    };
  }
  const exitCode = code ?? 1;
  return { exitCode, code: exitCode, signal: null, reason: `exit code ${exitCode}`, started: true };
}

function notStarted(exitCode: number, reason: string): ChildOutcome {
  return { exitCode, code: null, signal: null, reason, started: false };
}

/**
 * Copies a child stream to our terminal and to the log, pausing it while
 * either is full so that memory stays bounded however much the child prints.
 */
function tee(source: Readable | null, terminal: Writable, log: Writable): void {
  if (!source) return;
  source.on("data", (chunk: Buffer) => {
    let waiting = 0;
    const resume = () => {
      if (--waiting === 0) source.resume();
    };
    for (const sink of [terminal, log]) {
      if (sink.writableEnded || sink.destroyed) continue;
      if (!sink.write(chunk)) {
        waiting++;
        // A closed sink never drains: carry on with the other one.
        const done = () => {
          sink.off("drain", done);
          sink.off("close", done);
          resume();
        };
        sink.on("drain", done);
        sink.on("close", done);
      }
    }
    if (waiting > 0) source.pause();
  });
}
