import { captureRun } from "../capture/capture-run.js";
import type { SeedCapture } from "../capture/capture-types.js";
import type { RunCapture } from "../domain/run.js";
import type { LockstepApi } from "./api-client.js";
import { storeCapture } from "./record-capture.js";
import type { RunSeeds } from "./run-random.js";

export type RunCaptureInit = {
  api: LockstepApi;
  runId: string;
  seeds: RunSeeds;
  seedSource: SeedCapture["source"];
  /** False: record no code or environment, only the seeds handed out (if any). */
  capture: boolean;
};

/**
 * Keeps an SDK run's capture record on the server. The code and environment
 * capture (git, packages, machine) starts with the run and goes on in the
 * background, so startRun does not wait for it; flush() and end() wait for it,
 * at most their timeout. Derived seeds handed out after it was stored are
 * sent by the next flush() or end(), as a new version of the whole record.
 */
export class RunCaptureRecorder {
  private readonly api: LockstepApi;
  private readonly runId: string;
  private readonly seeds: RunSeeds;
  private readonly seedSource: SeedCapture["source"];
  /** The record as last stored; undefined until then (or when capture is off or failed). */
  private stored: RunCapture | undefined;
  private storedRevision = 0;
  private readonly pending: Promise<void> | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(init: RunCaptureInit) {
    this.api = init.api;
    this.runId = init.runId;
    this.seeds = init.seeds;
    this.seedSource = init.seedSource;
    this.pending = init.capture ? this.captureInBackground() : undefined;
  }

  /**
   * Waits (up to `timeoutMs`) for the background capture, then stores the
   * derived seeds handed out since. Never throws: a capture that cannot be
   * stored is reported on stderr, and the run goes on without it.
   */
  async sync(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    if (this.pending && !(await settledWithin(this.pending, timeoutMs))) {
      warn(this.runId, `capture still running after ${timeoutMs} ms; not waiting for it`);
      return;
    }
    // One update at a time, so an older record never lands after a newer one.
    const next = this.sending.then(() => this.sendSeeds(deadline));
    this.sending = next;
    await next;
  }

  private async captureInBackground(): Promise<void> {
    try {
      const result = await captureRun({
        cwd: process.cwd(),
        argv: process.argv,
        seed: this.seeds.root,
        env: process.env,
      });
      const script = process.argv[1];
      // argv[0] is node itself; the program being tracked is the script it runs.
      if (script !== undefined) result.capture.code.entryPoint = script;
      const revision = this.seeds.changes;
      result.capture.seed = this.seedSection();
      this.stored = await storeCapture(this.api, { id: this.runId }, result);
      this.storedRevision = revision;
    } catch (error) {
      warn(this.runId, `could not record the run's code and environment: ${messageOf(error)}`);
    }
  }

  private async sendSeeds(deadline: number): Promise<void> {
    const revision = this.seeds.changes;
    if (revision === this.storedRevision) return;
    // Without a stored capture (turned off, or it failed) the record holds the seeds alone.
    const record: RunCapture = { ...(this.stored ?? { version: 1 }), seed: this.seedSection() };
    try {
      await this.api.http.json<unknown>({
        method: "PUT",
        path: `/api/v1/runs/${encodeURIComponent(this.runId)}/capture`,
        body: record,
        retries: 1,
        timeoutMs: Math.max(1, deadline - Date.now()),
      });
      this.stored = record;
      this.storedRevision = revision;
    } catch (error) {
      warn(this.runId, `could not record the derived seeds: ${messageOf(error)}`);
    }
  }

  private seedSection(): SeedCapture {
    return {
      root: this.seeds.root,
      source: this.seedSource,
      algorithm: "lockstep-seed-v1",
      derived: this.seeds.derivedSeeds(),
      // The SDK starts no child process, so it exports nothing to one.
      determinismEnv: {},
    };
  }
}

async function settledWithin(promise: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function warn(runId: string, message: string): void {
  process.stderr.write(`lockstep: run ${runId}: ${message}\n`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
