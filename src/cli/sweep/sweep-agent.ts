import { randomBytes } from "node:crypto";
import { constants, hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { LockstepApiError } from "../../sdk/lockstep-api-error.js";
import type { LeasedTrial } from "../../sweeps/sweep-views.js";
import { envNumber } from "../run/run-follow-types.js";
import { runSession } from "../run/run-session.js";
import type { HeldTrial, SweepsApi } from "./sweeps-api.js";

export interface AgentOptions {
  trackingUri: string;
  sweepId: string;
  api: SweepsApi;
  /** Stop after this many trials; default is until the sweep is done. */
  count?: number;
  cwd: string;
  data: string[];
  output: string[];
}

/** A param as the run records it and LOCKSTEP_PARAMS passes it on. */
function paramText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * `lockstep sweep agent`: leases a trial, runs it as `lockstep run` would
 * (a child run of the sweep, with the trial's params and seed), renews the
 * lease while it runs — stopping it when early stopping says so — reports how
 * it ended, and takes the next. Returns the exit code.
 */
export async function runAgent(options: AgentOptions): Promise<number> {
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  // Tests make leases short; a real sweep keeps the spec's lease_ms.
  const leaseMs = process.env.LOCKSTEP_SWEEP_LEASE_MS
    ? envNumber("LOCKSTEP_SWEEP_LEASE_MS", 60_000)
    : undefined;
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted ??= signal;
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
  let ran = 0;
  while (!interrupted && ran < (options.count ?? Number.POSITIVE_INFINITY)) {
    const answer = await options.api.lease(options.sweepId, {
      owner,
      ...(leaseMs !== undefined ? { leaseMs } : {}),
    });
    if (answer.status === "done") break;
    // Interrupted while asking: leave the lease to expire rather than start the trial.
    if (interrupted) break;
    if (answer.status === "wait") {
      await sleep(answer.retryAfterMs);
      continue;
    }
    await runTrial(
      options,
      answer.trial,
      { sweepId: options.sweepId, index: answer.trial.index, attempt: answer.trial.attempt, owner },
      () => interrupted,
    );
    ran++;
  }
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(signal, onSignal);
  process.stderr.write(`lockstep: sweep agent ran ${ran} trial${ran === 1 ? "" : "s"}\n`);
  // Like a shell: 128 + the signal's number when a signal stopped the agent.
  return interrupted ? 128 + (constants.signals[interrupted] ?? 0) : 0;
}

async function runTrial(
  options: AgentOptions,
  trial: LeasedTrial,
  held: HeldTrial,
  interruptedBy: () => NodeJS.Signals | undefined,
): Promise<void> {
  const { api } = options;
  const renewEveryMs = Math.max(50, Math.floor(trial.leaseMs / 3));
  let runId: string | undefined;
  let stop: ((reason: string) => void) | undefined;
  let stoppedFor: string | undefined;
  const stopWith = (reason: string) => {
    stoppedFor ??= reason;
    stop?.(reason);
  };
  let renewing: Promise<void> = Promise.resolve();
  const renew = () => {
    renewing = renewing.then(async () => {
      try {
        const answer = await api.renew(held, {
          ...(runId ? { runId } : {}),
          leaseMs: trial.leaseMs,
        });
        if (answer.prune) stopWith("pruned");
      } catch (error) {
        // Someone else holds the trial now: running on would run it twice.
        if (error instanceof LockstepApiError && error.status === 409) stopWith("lease lost");
      }
    });
  };
  const timer = setInterval(renew, renewEveryMs);
  const params = Object.fromEntries(
    Object.entries(trial.params).map(([key, value]) => [key, paramText(value)]),
  );
  let exitCode: number;
  try {
    exitCode = await runSession({
      trackingUri: options.trackingUri,
      argv: trial.command,
      cwd: options.cwd,
      options: {
        experiment: trial.experiment,
        name: `trial-${trial.index}`,
        seed: trial.seed,
        param: [],
        tag: [],
        parent: trial.sweepId,
        kind: "train",
        output: options.output,
        data: options.data,
      },
      params,
      tags: {
        "lockstep.sweep.id": trial.sweepId,
        "lockstep.sweep.trial": String(trial.index),
        "lockstep.sweep.attempt": String(trial.attempt),
      },
      onStart: (started) => {
        runId = started.run.id;
        stop = started.stop;
        if (stoppedFor) started.stop(stoppedFor);
        renew();
      },
    });
  } finally {
    clearInterval(timer);
    await renewing;
  }
  if (stoppedFor === "lease lost") return;
  const pruned = stoppedFor === "pruned";
  const status = pruned || interruptedBy() ? "KILLED" : exitCode === 0 ? "FINISHED" : "FAILED";
  await api
    .report(held, {
      status,
      pruned,
      ...(runId ? { runId } : {}),
      ...(status === "FAILED" ? { reason: `exit code ${exitCode}` } : {}),
      ...(status === "KILLED" && !pruned ? { reason: "agent interrupted" } : {}),
    })
    .catch((error: unknown) => {
      process.stderr.write(
        `lockstep: could not report trial ${trial.index}: ${(error as Error).message}\n`,
      );
    });
}
