import type { LockstepApi } from "../../sdk/api-client.js";
import type { LeaseAnswer, SweepView } from "../../sweeps/sweep-views.js";

export type { LeaseAnswer, SweepView };

const enc = encodeURIComponent;

/** What an agent says about the trial attempt it holds. */
export interface HeldTrial {
  sweepId: string;
  index: number;
  attempt: number;
  owner: string;
}

/** The /api/v1/sweeps routes, over a LockstepApi's HTTP client. */
export class SweepsApi {
  constructor(private readonly api: LockstepApi) {}

  async create(spec: unknown): Promise<SweepView> {
    const body = await this.api.http.json<{ sweep: SweepView }>({
      method: "POST",
      path: "/api/v1/sweeps",
      body: { spec },
      idempotent: false,
    });
    return body.sweep;
  }

  async show(id: string): Promise<SweepView> {
    return (
      await this.api.http.json<{ sweep: SweepView }>({
        method: "GET",
        path: `/api/v1/sweeps/${enc(id)}`,
      })
    ).sweep;
  }

  lease(id: string, body: { owner: string; leaseMs?: number }): Promise<LeaseAnswer> {
    return this.api.http.json<LeaseAnswer>({
      method: "POST",
      path: `/api/v1/sweeps/${enc(id)}/lease`,
      body,
      // A lease sent twice would hold a second trial until it expired.
      idempotent: false,
    });
  }

  renew(
    held: HeldTrial,
    extra: { runId?: string; leaseMs?: number },
  ): Promise<{ leaseExpiresAt: number; prune: boolean; rung?: number }> {
    return this.api.http.json({
      method: "POST",
      path: `/api/v1/sweeps/${enc(held.sweepId)}/trials/${held.index}/renew`,
      body: { attempt: held.attempt, owner: held.owner, ...extra },
    });
  }

  /**
   * Ends a stale attempt's run as the server ends an expired lease's run:
   * FAILED, reason `lease expired` (a run that already ended FAILED stays so).
   */
  async failRun(runId: string, reason: string): Promise<void> {
    await this.api.http.json({
      method: "PUT",
      path: `/api/v1/runs/${enc(runId)}/tags/${enc("lockstep.exit.reason")}`,
      body: { value: reason },
    });
    await this.api.updateRun(runId, { status: "FAILED" });
  }

  report(
    held: HeldTrial,
    result: {
      status: "FINISHED" | "FAILED" | "KILLED";
      pruned?: boolean;
      reason?: string;
      runId?: string;
    },
  ): Promise<{ state: string; objective: number | null }> {
    return this.api.http.json({
      method: "POST",
      path: `/api/v1/sweeps/${enc(held.sweepId)}/trials/${held.index}/result`,
      body: { attempt: held.attempt, owner: held.owner, ...result },
      idempotent: false,
    });
  }
}
