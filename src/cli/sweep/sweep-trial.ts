import { LockstepApiError } from "../../sdk/lockstep-api-error.js";
import type { LeasedTrial } from "../../sweeps/sweep-views.js";
import { runSession } from "../run/run-session.js";
import { LeaseKeeper } from "./lease-keeper.js";
import type { AgentOptions } from "./sweep-agent.js";
import type { HeldTrial } from "./sweeps-api.js";

/**
 * How often an agent renews while early stopping watches its trial, and how
 * often the trial's metrics are sent then: a trial of a few seconds must have
 * its rungs seen while it still runs, not after (`lockstep run` sends every
 * second, and a lease is renewed every third of its length).
 */
export const RUNG_CHECK_MS = 250;
export const PROMPT_METRICS_MS = 100;

/** Why a stale attempt's run failed; the server says the same when it requeues one. */
const LEASE_EXPIRED = "lease expired";

/** A param as the run records it and LOCKSTEP_PARAMS passes it on. */
function paramText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Runs one leased trial as `lockstep run` would, renewing the lease while it
 * runs, and reports how it ended. Returns false when the lease was lost on
 * the way: the command was stopped (or had ended), its run is FAILED with
 * reason `lease expired`, and nothing is reported — the trial is another
 * agent's now.
 */
export async function runTrial(
  options: Pick<AgentOptions, "trackingUri" | "api" | "cwd" | "data" | "output">,
  trial: LeasedTrial,
  held: HeldTrial,
  interruptedBy: () => NodeJS.Signals | undefined,
): Promise<boolean> {
  const { api } = options;
  const early = trial.earlyStopping;
  const third = Math.max(50, Math.floor(trial.leaseMs / 3));
  let runId: string | undefined;
  let stop: ((reason: string) => void) | undefined;
  let stoppedFor: string | undefined;
  const stopWith = (reason: string) => {
    stoppedFor ??= reason;
    stop?.(reason);
  };
  const failStaleRun = async () => {
    if (!runId) return;
    await api.failRun(runId, LEASE_EXPIRED).catch((error: unknown) => {
      // Already ended otherwise (e.g. the server never learnt the run): say so, go on.
      process.stderr.write(`lockstep: could not fail run ${runId}: ${messageOf(error)}\n`);
    });
  };
  const keeper = new LeaseKeeper({
    api,
    held,
    leaseMs: trial.leaseMs,
    everyMs: early ? Math.min(third, RUNG_CHECK_MS) : third,
    onPrune: () => stopWith("pruned"),
    // Failed before the command is stopped, so the wrapper cannot end it KILLED first.
    onLost: async () => {
      await failStaleRun();
      stopWith(LEASE_EXPIRED);
    },
  });
  keeper.start();
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
      ...(early ? { metricFlushIntervalMs: PROMPT_METRICS_MS } : {}),
      onStart: (started) => {
        runId = started.run.id;
        stop = started.stop;
        if (stoppedFor) started.stop(stoppedFor);
        keeper.attach(started.run.id);
      },
    });
  } finally {
    await keeper.stop();
  }
  if (keeper.lost) return lostLease(trial, failStaleRun);
  const pruned = stoppedFor === "pruned";
  const status = pruned || interruptedBy() ? "KILLED" : exitCode === 0 ? "FINISHED" : "FAILED";
  try {
    await api.report(held, {
      status,
      pruned,
      ...(runId ? { runId } : {}),
      ...(status === "FAILED" ? { reason: `exit code ${exitCode}` } : {}),
      ...(status === "KILLED" && !pruned ? { reason: "agent interrupted" } : {}),
    });
  } catch (error) {
    // The lease ran out while the command ended (the agent was paused, say).
    if (error instanceof LockstepApiError && error.status === 409) {
      return lostLease(trial, failStaleRun);
    }
    process.stderr.write(`lockstep: could not report trial ${trial.index}: ${messageOf(error)}\n`);
  }
  return true;
}

/** The run's own ending may have overwritten the server's verdict: it is set again. */
async function lostLease(trial: LeasedTrial, failStaleRun: () => Promise<void>): Promise<false> {
  await failStaleRun();
  process.stderr.write(
    `lockstep: lost the lease on trial ${trial.index} (attempt ${trial.attempt}); another agent runs it again\n`,
  );
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
