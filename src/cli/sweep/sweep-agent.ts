import { randomBytes } from "node:crypto";
import { constants, hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { envNumber } from "../run/run-follow-types.js";
import { runTrial } from "./sweep-trial.js";
import type { SweepsApi } from "./sweeps-api.js";

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
    const reported = await runTrial(
      options,
      answer.trial,
      { sweepId: options.sweepId, index: answer.trial.index, attempt: answer.trial.attempt, owner },
      () => interrupted,
    );
    // A trial whose lease was lost is another agent's now: it does not count here.
    if (reported) ran++;
  }
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(signal, onSignal);
  process.stderr.write(`lockstep: sweep agent ran ${ran} trial${ran === 1 ? "" : "s"}\n`);
  // Like a shell: 128 + the signal's number when a signal stopped the agent.
  return interrupted ? 128 + (constants.signals[interrupted] ?? 0) : 0;
}
