import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import { determinismEnv } from "../../capture/determinism-env.js";
import { drawRootSeed } from "../../capture/root-seed.js";
import type { Run } from "../../domain/run.js";
import type { ProcessSupervisor } from "./process-supervisor.js";
import { createRunQuickly, endRunNotStarted } from "./run-creator.js";
import { envNumber, type Interruption } from "./run-follow-types.js";
import type { RunInputs } from "./run-inputs.js";
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
// for the few requests that still use fetch here (resolving --data and
// --model; sweep agents and `lockstep reproduce` run sessions too).
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
  const inputs = await resolveInputs(input.trackingUri, options);
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
  // While the server creates the run, what starts the command loads and its
  // files are made: neither needs the run, and the command starts sooner.
  const preparing = import("./process-supervisor.js").then(({ ProcessSupervisor }) => ({
    ProcessSupervisor,
    files: commandFiles(),
  }));
  // Handled at once: a failure must wait for the run's answer, not crash the process.
  preparing.catch(() => undefined);
  const discard = () =>
    preparing.then(
      ({ files }) => rmSync(files.temp, { recursive: true, force: true }),
      () => undefined,
    );
  const run = await creating.catch(async (error: unknown) => {
    early.stop();
    await discard();
    throw error;
  });
  process.stderr.write(`lockstep: run ${run.id}\n`);
  input.onRunCreated?.(run);
  if (!early.signal && inputs.io.length > 0) {
    const { recordRunInputs } = await import("./run-inputs.js");
    await recordRunInputs(input.trackingUri, run.id, inputs.io);
  }
  early.stop();
  if (early.signal) {
    await discard();
    return endRunNotStarted(input.trackingUri, run.id, early.signal);
  }
  const { ProcessSupervisor, files } = await preparing;
  const { temp, metricsFile, logPath } = files;

  const env = childEnvironment({
    base,
    determinism,
    trackingUri: input.trackingUri,
    runId: run.id,
    experimentId: run.experimentId,
    params: input.params,
    metricsFile,
  });
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

type CommandFiles = { temp: string; metricsFile: string; logPath: string };

/** A private folder with the command's metrics file and output log. */
function commandFiles(): CommandFiles {
  const temp = mkdtempSync(join(tmpdir(), "lockstep-run-"));
  const metricsFile = join(temp, "metrics.jsonl");
  writeFileSync(metricsFile, "");
  return { temp, metricsFile, logPath: join(temp, "output.log") };
}

/** `--data` and `--model`, resolved; their code loads only when one is given. */
async function resolveInputs(trackingUri: string, options: RunOptions): Promise<RunInputs> {
  if (options.data.length === 0 && options.model === undefined) return { env: {}, io: [] };
  const { resolveRunInputs } = await import("./run-inputs.js");
  return resolveRunInputs(trackingUri, options);
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
