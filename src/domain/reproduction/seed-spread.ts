import type { MetricComparison, MetricSpread } from "./reproduction-types.js";

/**
 * Each metric's final value over runs of the same setup under different
 * seeds: mean, sample standard deviation, min and max, and whether the
 * recorded run's value lies within [min, max].
 */
export function seedSpread(
  original: Record<string, number>,
  runs: Array<Record<string, number>>,
): MetricSpread[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))].sort();
  return keys.map((key) => {
    const values = runs.map((r) => r[key]).filter((v): v is number => Number.isFinite(v));
    const n = values.length;
    const mean = n === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / n;
    const variance = n < 2 ? 0 : values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
    const min = Math.min(...values);
    const max = Math.max(...values);
    const value = original[key];
    const orig = value === undefined ? null : value;
    return {
      key,
      n,
      mean,
      std: Math.sqrt(variance),
      min,
      max,
      original: orig,
      originalWithin: orig !== null && orig >= min && orig <= max,
    };
  });
}

/**
 * Marks diverged metrics whose final reproduced value lies inside the noise
 * band a run carries (the spread over seeds, widened to include the recorded
 * value): a difference the seed alone produces is noise, not a change.
 */
export function applyNoiseBand(
  metrics: MetricComparison[],
  spreads: MetricSpread[],
): MetricComparison[] {
  const bands = new Map(spreads.map((s) => [s.key, s]));
  return metrics.map((m) => {
    const band = bands.get(m.key);
    if (m.status !== "diverged" || !band || m.b === null || band.n === 0) return m;
    const low = Math.min(band.min, band.original ?? band.min);
    const high = Math.max(band.max, band.original ?? band.max);
    return m.b >= low && m.b <= high ? { ...m, status: "within_noise" } : m;
  });
}
