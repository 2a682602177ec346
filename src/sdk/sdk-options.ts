import type { RunKind, RunStatus } from "../domain/run.js";

/** A param value; stored as its string form. */
export type ParamValue = string | number | boolean;

/** Options for {@link Lockstep}. */
export interface LockstepOptions {
  /**
   * The tracking server's URL. Default is `LOCKSTEP_TRACKING_URI`, else
   * `MLFLOW_TRACKING_URI`, else `http://127.0.0.1:5005`.
   */
  trackingUri?: string;
  /**
   * Where batches wait while the server is unreachable. Default is
   * `$LOCKSTEP_HOME/spool`, else `~/.lockstep/spool`.
   */
  spoolDir?: string;
  /** How often buffered metrics are sent, in milliseconds. Default is `1000`. */
  flushIntervalMs?: number;
  /** Metric points per batch; a full buffer is sent at once. Default is `10000` (the server's limit). */
  maxBatch?: number;
  /** How long the server may be unreachable before batches are written to the spool. Default is `3000`. */
  spoolAfterMs?: number;
  /** How long flush() and end() wait for delivery before reporting what remains. Default is `30000`. */
  flushTimeoutMs?: number;
}

/** Options for {@link Lockstep.startRun}. */
export interface StartRunOptions {
  /** The experiment's name; created if missing. Default is the `Default` experiment. */
  experiment?: string;
  /** The experiment's id, instead of its name. */
  experimentId?: string;
  name?: string;
  /**
   * The root seed, an integer from 0 to 4294967295. Default is one drawn from
   * the OS's random source; either way it is logged as param `seed` and tag
   * `lockstep.seed`, and recorded in `capture.seed`.
   */
  seed?: number;
  /**
   * Records the run's code (git commit, branch, uncommitted changes, packages,
   * lockfiles), environment and MLflow system tags, in the background: startRun
   * does not wait for it, flush() and end() do (up to their timeout).
   * With `false`, only the seeds are recorded. Default is `true`.
   */
  capture?: boolean;
  /**
   * Replaces `Math.random` with a generator seeded from the run's root seed
   * (label `Math.random`) until the run ends. Only one run at a time may hold it.
   * Default is `false`.
   */
  deterministicMathRandom?: boolean;
  params?: Record<string, ParamValue>;
  tags?: Record<string, string>;
  /** The parent run's id, for a nested run. */
  parent?: string;
  /** Default is `train`. */
  kind?: RunKind;
}

/** Options for {@link RunHandle.child}: those of startRun, without the experiment and parent. */
export type ChildRunOptions = Omit<StartRunOptions, "experiment" | "experimentId" | "parent">;

/** Options for flush() and end(). */
export interface FlushOptions {
  /** How long to wait for delivery. Default is the client's `flushTimeoutMs`. */
  timeoutMs?: number;
}

export type EndStatus = Extract<RunStatus, "FINISHED" | "FAILED" | "KILLED">;
