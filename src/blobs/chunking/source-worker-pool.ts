import { availableParallelism } from "node:os";
import { type Transferable, Worker } from "node:worker_threads";

interface Pending<Result> {
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

interface Reply<Result> {
  id: number;
  result?: Result;
  error?: string;
}

/**
 * A fixed set of worker threads running one source text (a worker cannot load
 * a .ts file under Node 20's loaders; source text runs the same from compiled
 * JS, tsx and vitest). Each job goes to the least busy worker as `{id, ...}`;
 * the worker answers `{id, result}` or `{id, error}`.
 */
export class SourceWorkerPool<Result> {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending<Result>>();
  private nextId = 1;
  private failure: Error | undefined;

  /** Default is one worker per core. */
  constructor(
    source: string,
    private readonly name: string,
    size = availableParallelism(),
  ) {
    for (let k = 0; k < Math.max(1, size); k++) {
      const worker = new Worker(source, { eval: true });
      const slot = { worker, busy: 0 };
      worker.on("message", (reply: Reply<Result>) => {
        slot.busy--;
        const waiting = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.error === undefined) waiting?.resolve(reply.result as Result);
        else waiting?.reject(new Error(reply.error || `${name} failed`));
      });
      worker.on("error", (error) => this.fail(error));
      this.workers.push(slot);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  run(job: Record<string, unknown>, transfer: readonly Transferable[] = []): Promise<Result> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...job, id }, [...transfer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((slot) => slot.worker.terminate()));
    this.fail(new Error(`${this.name} pool closed`));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
