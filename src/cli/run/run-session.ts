import { createWriteStream, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import { determinismEnv } from "../../capture/determinism-env.js";
import { drawRootSeed } from "../../capture/seeds.js";
import type { Run } from "../../domain/run.js";
import { ProcessSupervisor } from "./process-supervisor.js";
import { createRunQuickly, endRunNotStarted } from "./run-creator.js";
import { envNumber, type Interruption } from "./run-follow-types.js";
import { recordRunInputs, resolveRunInputs } from "./run-inputs.js";
import { baseEnvironment, childEnvironment, type RunOptions } from "./run-options.js";

export type RunSessionInput = {
  trackingUri: string;
  argv: string[];
  cwd: string;
  options: RunOptions;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Told of the run as soon as it exists (`lockstep reproduce` compares it afterwards). */
  onRunCreated?: (run: Run) => void;
  /**
   * Told once the command has started (a sweep agent's hook): `stop` sends
   * it SIGTERM, and the run then ends KILLED with `reason` (e.g. `pruned`).
   */
  onStart?: (started: { run: Run; stop(reason: string): void }) => void;
  /** How often metrics are sent; default 1 s. A sweep agent shortens it for early stopping. */
  metricFlushIntervalMs?: number;
};

const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

// fetch parses HTTP with a WebAssembly module; V8's background optimisation of
// it makes the process wait 300-800 ms at exit. The baseline compiler is ample
// for the few requests a run sends.
v8.setFlagsFromString("--liftoff-only");

/**
 * One `lockstep run`: creates the run and starts the command as soon as the
 * run exists; run-follow.ts does the rest while it runs. Returns the exit code
 * to leave with: the command's own.
 */
export async function runSession(input: RunSessionInput): Promise<number> {
  const { argv, cwd, options } = input;
  const seed = options.seed ?? drawRootSeed();
  const determinism = determinismEnv(seed);
  const inputs = await resolveRunInputs(input.trackingUri, options);
  const base = { ...baseEnvironment(process.env), ...inputs.env };
  const creating = createRunQuickly(input.trackingUri, {
    experimentName: options.experiment,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.parent !== undefined ? { parentId: options.parent } : {}),
    kind: options.kind,
    userId: userName(),
    params: { seed: String(seed), ...input.params },
    tags: { ...input.tags, "lockstep.seed": String(seed), ...outputsTag(options.output) },
  });

  // From here on a run may exist: an interruption must end it, not orphan it RUNNING.
  const early = trapSignals();
  const run = await creating.catch((error: unknown) => {
    early.stop();
    throw error;
  });
  process.stderr.write(`lockstep: run ${run.id}\n`);
  input.onRunCreated?.(run);
  if (!early.signal) await recordRunInputs(input.trackingUri, run.id, inputs.io);
  early.stop();
  if (early.signal) return endRunNotStarted(input.trackingUri, run.id, early.signal);

  const temp = mkdtempSync(join(tmpdir(), "lockstep-run-"));
  const metricsFile = join(temp, "metrics.jsonl");
  writeFileSync(metricsFile, "");

  const env = childEnvironment({
    base,
    determinism,
    trackingUri: input.trackingUri,
    runId: run.id,
    experimentId: run.experimentId,
    params: input.params,
    metricsFile,
  });
  const logPath = join(temp, "output.log");
  const logStream = createWriteStream(logPath);
  // Until run-follow.ts takes over: a write error must not crash the wrapper.
  logStream.on("error", () => undefined);
  const supervisor = new ProcessSupervisor({
    argv,
    cwd,
    env,
    log: logStream,
    graceMs: envNumber("LOCKSTEP_KILL_GRACE_MS", 10_000),
  });
  const interrupted = forwardSignals(supervisor);
  input.onStart?.({
    run,
    stop(reason) {
      if (interrupted.signal) return;
      interrupted.signal = "SIGTERM";
      interrupted.reason = reason;
      supervisor.forward("SIGTERM");
    },
  });
  // Everything else loads once the command is on its way: modules not needed
  // to start it stay off the start-up path.
  const { followRun } = await import("./run-follow.js");
  return followRun({
    trackingUri: input.trackingUri,
    run,
    argv,
    cwd,
    seed,
    seedSource: options.seed === undefined ? "drawn" : "given",
    outputs: options.output,
    base,
    determinism,
    supervisor,
    interrupted,
    temp,
    metricsFile,
    logPath,
    logStream,
    ...(input.metricFlushIntervalMs !== undefined
      ? { metricFlushIntervalMs: input.metricFlushIntervalMs }
      : {}),
  });
}

/**
 * Listens for the signals `lockstep run` handles and remembers the first;
 * `act` is told of each, and whether it was the first.
 */
function listenForSignals(act: (signal: NodeJS.Signals, first: boolean) => void): Interruption {
  const state = {
    signal: undefined as NodeJS.Signals | undefined,
    stop() {
      for (const signal of FORWARDED) process.off(signal, handler);
    },
  };
  const handler = (signal: NodeJS.Signals) => {
    const first = state.signal === undefined;
    state.signal ??= signal;
    act(signal, first);
  };
  for (const signal of FORWARDED) process.on(signal, handler);
  return state;
}

/** While the command is not running yet: only remember the signal. */
function trapSignals(): Interruption {
  return listenForSignals(() => undefined);
}

/** Forwards our signals to the command: the first politely, a second one as SIGKILL. */
function forwardSignals(supervisor: ProcessSupervisor): Interruption {
  return listenForSignals((signal, first) =>
    first ? supervisor.forward(signal) : supervisor.kill(),
  );
}

/** The `--output` paths as given, so `lockstep reproduce` can ask for the same outputs. */
function outputsTag(paths: readonly string[]): Record<string, string> {
  return paths.length > 0 ? { "lockstep.outputs": JSON.stringify(paths) } : {};
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    // Containers often run as a uid without a passwd entry.
    return process.env.USER ?? process.env.LOGNAME ?? "unknown";
  }
}
