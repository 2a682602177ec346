import type { Difference, FactorResult } from "./reproduction-types.js";

/** Pairs every key of two records and keeps those whose values differ, in key order. */
export function recordDifferences(
  a: Record<string, string>,
  b: Record<string, string>,
  label: (key: string) => string = (key) => key,
): Difference[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((key) => a[key] !== b[key])
    .map((key) => ({ item: label(key), a: a[key] ?? null, b: b[key] ?? null }));
}

export function factorOf(differences: Difference[]): FactorResult {
  return differences.length === 0 ? "same" : { differs: differences };
}
