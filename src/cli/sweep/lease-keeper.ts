import { LockstepApiError } from "../../sdk/lockstep-api-error.js";
import type { HeldTrial, SweepsApi } from "./sweeps-api.js";

export interface LeaseKeeperOptions {
  api: SweepsApi;
  held: HeldTrial;
  leaseMs: number;
  /** How often to renew; early stopping learns of a rung only at a renewal. */
  everyMs: number;
  /** Early stopping says the trial is to stop. */
  onPrune(): void;
  /** The server gave the trial to someone else (409): awaited before renewing ends. */
  onLost(): Promise<void>;
}

/**
 * Renews the lease on a trial while it runs. Renewals go one at a time and
 * at most one waits behind the one in flight, so a slow server never piles
 * them up; each carries the attempt's run once it is known.
 */
export class LeaseKeeper {
  private runId: string | undefined;
  private chain: Promise<void> = Promise.resolve();
  private waiting = false;
  private timer: NodeJS.Timeout | undefined;
  /** Set once a renewal was refused because the lease was lost. */
  lost = false;

  constructor(private readonly options: LeaseKeeperOptions) {}

  start(): void {
    this.timer = setInterval(() => this.renew(), this.options.everyMs);
  }

  /** Records the attempt's run with a renewal right away. */
  attach(runId: string): void {
    this.runId = runId;
    this.renew();
  }

  renew(): void {
    if (this.waiting || this.lost) return;
    this.waiting = true;
    this.chain = this.chain.then(async () => {
      this.waiting = false;
      if (this.lost) return;
      const { api, held, leaseMs } = this.options;
      try {
        const answer = await api.renew(held, {
          ...(this.runId ? { runId: this.runId } : {}),
          leaseMs,
        });
        if (answer.prune) this.options.onPrune();
      } catch (error) {
        // Someone else holds the trial now: running on would run it twice.
        if (error instanceof LockstepApiError && error.status === 409) {
          this.lost = true;
          await this.options.onLost();
        }
        // Anything else (the server away a moment): the next renewal tries again.
      }
    });
  }

  /** Stops renewing and waits for the renewal in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }
}
