/** How long to wait before attempt `attempt` (1-based): exponential, capped, with full jitter. */
export function backoffDelay(
  attempt: number,
  options: { baseMs?: number; maxMs?: number } = {},
): number {
  const base = options.baseMs ?? 100;
  const max = options.maxMs ?? 2000;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: spreads out clients that failed together without
  // ever retrying immediately.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** A promise that resolves after `ms`; `keepAlive: false` lets the process exit meanwhile. */
export function sleep(ms: number, keepAlive = true): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (!keepAlive) timer.unref();
  });
}
