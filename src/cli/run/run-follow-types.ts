/** Whether `lockstep run` itself was interrupted, and by what. */
export type Interruption = {
  signal: NodeJS.Signals | undefined;
  /** Why, when the run was stopped on purpose (`pruned`) rather than by a user's signal. */
  reason?: string;
  /** Stops forwarding (once the command has ended). */
  stop(): void;
};

/** A positive number from the environment: tuning knobs for tests and benchmarks. */
export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
