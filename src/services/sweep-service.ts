import { BadRequestError, ConflictError, NotFoundError } from "../domain/errors.js";
import { isRunId } from "../domain/ids.js";
import type { MetadataStore } from "../store/metadata-store.js";
import type { SweepRecord, TrialRecord } from "../store/sweep-store.js";
import { parseSweepSpec } from "../sweeps/parse-sweep-spec.js";
import { proposeParams } from "../sweeps/propose-params.js";
import type { SweepSpec, TrialParams } from "../sweeps/sweep-spec.js";
import type { LeaseAnswer } from "../sweeps/sweep-views.js";
import { trialSeed } from "../sweeps/trial-seeds.js";
import { quote } from "./key-rules.js";
import type { RunService } from "./run-service.js";
import { recordRungsReached, rungToPruneAt } from "./sweep-pruning.js";
import {
  bestSoFar,
  bestTrial,
  countByState,
  isComplete,
  missingObjectiveMessage,
  type SweepView,
  trialView,
} from "./sweep-summary.js";

export interface TrialRef {
  sweepId: string;
  index: number;
  attempt: number;
  owner: string;
}

/** The longest and shortest lease an agent may ask for. */
const LEASE_LIMITS = { min: 100, max: 24 * 3_600_000 };

/**
 * Sweeps: a parent run of kind `sweep` holding a spec; agents lease trials,
 * renew their leases (and learn there whether early stopping prunes them),
 * and report how each ended. Expired leases go back to the queue.
 */
export class SweepService {
  constructor(
    private readonly store: MetadataStore,
    private readonly runs: RunService,
    private readonly now: () => number = Date.now,
  ) {}

  async create(raw: unknown): Promise<SweepView> {
    const spec = parseSweepSpec(raw);
    const run = await this.runs.create({
      experimentName: spec.experiment,
      ...(spec.name !== undefined ? { name: spec.name } : {}),
      kind: "sweep",
      params: { "sweep.method": spec.method, "sweep.seed": String(spec.seed) },
      tags: { "lockstep.sweep.objective": `${spec.objective.goal} ${spec.objective.metric}` },
    });
    await this.store.sweeps.create({
      id: run.id,
      spec: JSON.stringify(spec),
      maxTrials: spec.budget.maxTrials,
      maxParallel: spec.budget.maxParallel,
      leaseMs: spec.leaseMs,
      now: this.now(),
    });
    return this.show(run.id);
  }

  private async load(id: string): Promise<{ sweep: SweepRecord; spec: SweepSpec }> {
    const sweep = isRunId(id) ? await this.store.sweeps.get(id) : undefined;
    if (!sweep) throw new NotFoundError(`sweep ${quote(id)} not found`);
    return { sweep, spec: JSON.parse(sweep.spec) as SweepSpec };
  }

  private leaseMs(sweep: SweepRecord, asked: number | undefined): number {
    if (asked === undefined) return sweep.leaseMs;
    if (!Number.isInteger(asked) || asked < LEASE_LIMITS.min || asked > LEASE_LIMITS.max) {
      throw new BadRequestError(
        `leaseMs must be an integer from ${LEASE_LIMITS.min} to ${LEASE_LIMITS.max}`,
      );
    }
    return asked;
  }

  /** Ends the runs of attempts whose lease ran out: FAILED, with the reason. */
  private async failExpired(expired: TrialRecord[]): Promise<void> {
    for (const t of expired) {
      if (t.runId === null) continue;
      try {
        await this.runs.setTag(t.runId, "lockstep.exit.reason", "lease expired");
        await this.runs.update(t.runId, { status: "FAILED" });
      } catch {
        // The run ended on its own meanwhile (or is gone): its own verdict stands.
      }
    }
  }

  async lease(id: string, input: { owner: string; leaseMs?: number }): Promise<LeaseAnswer> {
    const { sweep, spec } = await this.load(id);
    const leaseMs = this.leaseMs(sweep, input.leaseMs);
    const { expired, outcome } = await this.store.sweeps.lease({
      sweepId: sweep.id,
      owner: input.owner,
      now: this.now(),
      leaseMs,
      propose: (index, finished) => ({
        params: proposeParams(
          spec,
          index,
          finished
            .filter((t) => t.objective !== null)
            .map((t) => ({ params: t.params as TrialParams, objective: t.objective as number })),
        ),
        seed: trialSeed(spec.seed, index),
      }),
    });
    await this.failExpired(expired);
    if (outcome.kind === "wait") return { status: "wait", retryAfterMs: Math.min(1000, leaseMs) };
    if (outcome.kind === "done") {
      await this.finishSweep(sweep);
      return { status: "done" };
    }
    const t = outcome.trial;
    return {
      status: "leased",
      trial: {
        sweepId: sweep.id,
        experiment: spec.experiment,
        command: spec.command,
        index: t.index,
        attempt: t.attempt,
        params: t.params,
        seed: t.seed,
        leaseMs,
        leaseExpiresAt: t.leaseExpiresAt as number,
        earlyStopping: spec.earlyStopping ?? null,
      },
    };
  }

  /**
   * Extends a lease and records the attempt's run. `prune` says the trial
   * fell out of the top 1/η at a rung and is to be stopped.
   */
  async renew(
    ref: TrialRef & { runId?: string; leaseMs?: number },
  ): Promise<{ leaseExpiresAt: number; prune: boolean; rung?: number }> {
    const { sweep, spec } = await this.load(ref.sweepId);
    if (ref.runId !== undefined) {
      const run = await this.runs.getInfo(ref.runId);
      if (run.parentId !== sweep.id) {
        throw new BadRequestError(`run ${ref.runId} is not a trial of sweep ${sweep.id}`);
      }
    }
    const { expired, trial } = await this.store.sweeps.renew({
      ...ref,
      now: this.now(),
      leaseMs: this.leaseMs(sweep, ref.leaseMs),
    });
    await this.failExpired(expired);
    if (!trial) throw lostLease(ref);
    const rung = await rungToPruneAt(this.store, spec, trial);
    return {
      leaseExpiresAt: trial.leaseExpiresAt as number,
      prune: rung !== undefined,
      ...(rung !== undefined ? { rung } : {}),
    };
  }

  /**
   * Ends an attempt as its run ended: FINISHED counts (with the objective
   * metric's latest value, if the run logged it), KILLED after pruning counts
   * as pruned, anything else as failed.
   */
  async report(
    ref: TrialRef & {
      status: "FINISHED" | "FAILED" | "KILLED";
      pruned?: boolean;
      reason?: string;
      /** The attempt's run, in case no renewal got through to record it. */
      runId?: string;
    },
  ): Promise<{ state: string; objective: number | null }> {
    const { sweep, spec } = await this.load(ref.sweepId);
    const held = (await this.store.sweeps.trials(sweep.id)).find(
      (t) => t.index === ref.index && t.attempt === ref.attempt,
    );
    let objective: number | null = null;
    const runId = held?.runId ?? ref.runId;
    if (runId) {
      const run = await this.runs.get(runId);
      if (run.parentId !== sweep.id) {
        throw new BadRequestError(`run ${runId} is not a trial of sweep ${sweep.id}`);
      }
      const value = run.metrics[spec.objective.metric];
      objective = value !== undefined && Number.isFinite(value) ? value : null;
    }
    const state = ref.pruned ? "pruned" : ref.status === "FINISHED" ? "finished" : "failed";
    const { expired, trial } = await this.store.sweeps.end({
      ...ref,
      now: this.now(),
      state,
      objective,
      reason: ref.pruned ? "pruned" : (ref.reason ?? (state === "failed" ? ref.status : null)),
      // A trial killed without pruning was stopped with its agent: another agent runs it again.
      requeue: ref.status === "KILLED" && !ref.pruned,
    });
    await this.failExpired(expired);
    if (!trial) throw lostLease(ref);
    if (state === "finished" && runId) {
      await recordRungsReached(this.store, spec, { ...trial, runId });
    }
    const trials = await this.store.sweeps.trials(sweep.id);
    if (isComplete(sweep, trials)) await this.finishSweep(sweep);
    return { state, objective: trial.objective };
  }

  private async finishSweep(sweep: SweepRecord): Promise<void> {
    const fresh = await this.store.sweeps.get(sweep.id);
    if (!fresh || fresh.finishedAt !== null) return;
    await this.store.sweeps.markFinished(sweep.id, this.now());
    try {
      await this.runs.update(sweep.id, { status: "FINISHED" });
    } catch {
      // Someone ended the sweep's run by hand; that verdict stands.
    }
  }

  async show(id: string): Promise<SweepView> {
    const { sweep, spec } = await this.load(id);
    await this.failExpired(await this.store.sweeps.expire(sweep.id, this.now()));
    const trials = await this.store.sweeps.trials(sweep.id);
    if (isComplete(sweep, trials)) await this.finishSweep(sweep);
    const run = await this.runs.get(sweep.id);
    const best = bestTrial(spec, trials);
    const fresh = (await this.store.sweeps.get(sweep.id)) as SweepRecord;
    return {
      id: sweep.id,
      name: run.name,
      experimentId: run.experimentId,
      state: fresh.finishedAt !== null ? "finished" : "running",
      method: spec.method,
      objective: spec.objective,
      budget: spec.budget,
      spec,
      counts: countByState(trials),
      best: best?.runId ? await this.runs.get(best.runId) : null,
      bestTrial: best ? trialView(best) : null,
      ...(best ? {} : { message: missingObjectiveMessage(spec, trials) }),
      bestSoFar: bestSoFar(spec, trials),
      trials: trials.map(trialView),
    };
  }
}

function lostLease(ref: TrialRef): ConflictError {
  return new ConflictError(
    `trial ${ref.index} (attempt ${ref.attempt}) of sweep ${ref.sweepId} is not leased to ${quote(ref.owner)}: the lease expired or the trial ended`,
  );
}
