import { rmSync, type WriteStream } from "node:fs";
import { captureRun } from "../../capture/capture-run.js";
import type { Run } from "../../domain/run.js";
import { storeCapture } from "../../sdk/record-capture.js";
import type { EndStatus } from "../../sdk/sdk-options.js";
import { LogCapture } from "./log-capture.js";
import { MetricBatcher } from "./metric-batcher.js";
import { MetricsFileTailer } from "./metrics-file-tailer.js";
import { NodeLockstepApi } from "./node-http-client.js";
import { uploadOutputs } from "./outputs-upload.js";
import type { ChildOutcome, ProcessSupervisor } from "./process-supervisor.js";
import { envNumber, type Interruption } from "./run-follow-types.js";
import { SystemMetricsSampler } from "./system-metrics-sampler.js";

export type FollowInput = {
  trackingUri: string;
  run: Run;
  argv: string[];
  cwd: string;
  seed: number;
  seedSource: "given" | "drawn";
  outputs: string[];
  base: NodeJS.ProcessEnv;
  determinism: Record<string, string>;
  supervisor: ProcessSupervisor;
  interrupted: Interruption;
  /** A private folder, removed at the end. */
  temp: string;
  metricsFile: string;
  logPath: string;
  logStream: WriteStream;
  /** How often metrics are sent; the batcher's default when absent. */
  metricFlushIntervalMs?: number;
};

/**
 * Everything `lockstep run` does once the command has started: captures code
 * and environment, follows the output, the metrics file and resource use,
 * then uploads outputs and ends the run as the command ended. Returns the
 * exit code to leave with.
 */
export async function followRun(input: FollowInput): Promise<number> {
  const { run, argv, cwd, seed, base, determinism, supervisor, interrupted, temp, metricsFile } =
    input;
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  const api = new NodeLockstepApi({ baseUrl: input.trackingUri });
  const log = new LogCapture({
    http: api.http,
    runId: run.id,
    path: input.logPath,
    stream: input.logStream,
    intervalMs: envNumber("LOCKSTEP_LOG_UPLOAD_INTERVAL_MS", 5000),
    onWarning: warn,
  });
  // Right after the spawn, not before: starting git costs tens of milliseconds
  // of fork time that the command need not wait for, and the command itself
  // takes longer than that to start touching files.
  const capturing = captureRun({ cwd, argv, seed, env: { ...base, ...determinism } });

  const stored = capturing
    .then((result) =>
      storeCapture(api, run, result, {
        exportedEnv: determinism,
        seedSource: input.seedSource,
      }),
    )
    .catch((error: unknown) =>
      warn(`could not record the run's code and environment: ${messageOf(error)}`),
    );
  const batcher = new MetricBatcher({
    http: api.http,
    runId: run.id,
    ...(input.metricFlushIntervalMs !== undefined
      ? { flushIntervalMs: input.metricFlushIntervalMs }
      : {}),
  });
  const sink = (key: string, value: number, step: number, timestamp?: number) =>
    batcher.log(key, value, step, timestamp);
  const tailer = new MetricsFileTailer({ path: metricsFile, sink });
  tailer.start();
  const sampler =
    supervisor.pid === undefined
      ? undefined
      : new SystemMetricsSampler({
          pid: supervisor.pid,
          sink,
          intervalMs: envNumber("LOCKSTEP_SYSTEM_METRICS_INTERVAL_MS", 5000),
        });
  sampler?.start();

  const outcome = await supervisor.done;
  interrupted.stop();
  sampler?.stop();
  await tailer.stop();
  // The exit tags go out now, alongside the final uploads: only the end of the
  // run has to wait for those, so the wrapper exits one round trip sooner.
  setExitTags(batcher, outcome, interrupted);
  batcher.flush();
  const [, outputs] = await Promise.all([
    log.finish(),
    uploadOutputs(api.http, { runId: run.id, cwd, paths: input.outputs }),
    stored,
  ]);
  warnings.push(...outputs.problems);
  const status: EndStatus = interrupted.signal
    ? "KILLED"
    : outcome.exitCode === 0
      ? "FINISHED"
      : "FAILED";
  await endRun(batcher, status, warn);
  rmSync(temp, { recursive: true, force: true });

  if (tailer.skipped > 0) warnings.push(`skipped ${tailer.skipped} malformed metric lines`);
  if (!outcome.started) process.stderr.write(`lockstep: ${outcome.reason}\n`);
  for (const message of warnings) process.stderr.write(`lockstep: ${message}\n`);
  return outcome.exitCode;
}

function setExitTags(
  batcher: MetricBatcher,
  outcome: ChildOutcome,
  interrupted: Interruption,
): void {
  const interruptedBy = interrupted.signal;
  const reason =
    interrupted.reason ??
    (interruptedBy ? `interrupted by ${interruptedBy} (${outcome.reason})` : outcome.reason);
  batcher.setTag("lockstep.exit.code", String(outcome.exitCode));
  batcher.setTag("lockstep.exit.reason", reason);
  if (outcome.signal) batcher.setTag("lockstep.exit.signal", outcome.signal);
}

async function endRun(
  batcher: MetricBatcher,
  status: EndStatus,
  warn: (message: string) => void,
): Promise<void> {
  const result = await batcher.end(status);
  for (const refusal of result.refusals) warn(`the server refused a write: ${refusal}`);
  if (!result.complete) {
    warn(
      `the server has not received everything yet; ${result.spooled} requests wait in ${result.spoolDir}`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
