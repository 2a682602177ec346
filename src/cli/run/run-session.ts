import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import { determinismEnv } from "../../capture/determinism-env.js";
import { drawRootSeed } from "../../capture/seeds.js";
import { ProcessSupervisor } from "./process-supervisor.js";
import { createRunQuickly } from "./run-creator.js";
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
    tags: { ...input.tags, "lockstep.seed": String(seed) },
  });

  const temp = mkdtempSync(join(tmpdir(), "lockstep-run-"));
  const metricsFile = join(temp, "metrics.jsonl");
  writeFileSync(metricsFile, "");
  const run = await creating.catch((error: unknown) => {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  });
  process.stderr.write(`lockstep: run ${run.id}\n`);
  await recordRunInputs(input.trackingUri, run.id, inputs.io);

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
  });
}

/** Forwards our signals to the command: the first politely, a second one as SIGKILL. */
function forwardSignals(supervisor: ProcessSupervisor): Interruption {
  const state = {
    signal: undefined as NodeJS.Signals | undefined,
    stop() {
      for (const signal of FORWARDED) process.off(signal, handler);
    },
  };
  const handler = (signal: NodeJS.Signals) => {
    if (state.signal) {
      supervisor.kill();
      return;
    }
    state.signal = signal;
    supervisor.forward(signal);
  };
  for (const signal of FORWARDED) process.on(signal, handler);
  return state;
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    // Containers often run as a uid without a passwd entry.
    return process.env.USER ?? process.env.LOGNAME ?? "unknown";
  }
}
