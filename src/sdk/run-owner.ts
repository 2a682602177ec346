import type { LockstepApi } from "./api-client.js";
import type { MetricBlockPool } from "./metric-block.js";
import type { OutboundRequest } from "./outbound-request.js";
import type { FlushResult } from "./outbox.js";
import type { RunHandle } from "./run-handle.js";
import type { ChildRunOptions, StartRunOptions } from "./sdk-options.js";

/** What a run handle needs from the client that made it. */
export interface RunOwner {
  readonly api: LockstepApi;
  readonly pool: MetricBlockPool;
  enqueue(request: OutboundRequest): void;
  /** Seals every live run's buffers and waits for delivery; throws the first refusal for `runId`. */
  flushFor(runId: string | undefined, timeoutMs: number | undefined): Promise<FlushResult>;
  startRunWith(options: StartRunOptions & ChildRunOptions): Promise<RunHandle>;
  released(runId: string): void;
}
