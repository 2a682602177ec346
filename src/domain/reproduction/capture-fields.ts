/**
 * Read-only access to a run's capture record. The domain types the record as
 * plain JSON (runs recorded by older versions or other clients may lack any
 * field), so every read here tolerates absence instead of trusting a shape.
 */
export type Json = Record<string, unknown>;

export function objectAt(record: unknown, ...path: string[]): Json | undefined {
  let current: unknown = record;
  for (const key of path) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = (current as Json)[key];
  }
  return current !== null && typeof current === "object" && !Array.isArray(current)
    ? (current as Json)
    : undefined;
}

export function valueAt(record: unknown, ...path: string[]): unknown {
  const parent = objectAt(record, ...path.slice(0, -1));
  const last = path[path.length - 1];
  return parent && last !== undefined ? parent[last] : undefined;
}

/** A scalar as text for a report; null when absent. */
export function textAt(record: unknown, ...path: string[]): string | null {
  const value = valueAt(record, ...path);
  if (value === undefined || value === null) return null;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function arrayAt(record: unknown, ...path: string[]): unknown[] {
  const value = valueAt(record, ...path);
  return Array.isArray(value) ? value : [];
}

/** String-valued entries of an object; others are skipped. */
export function stringRecordAt(record: unknown, ...path: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(objectAt(record, ...path) ?? {})) {
    if (typeof value === "string") out[key] = value;
  }
  return out;
}

/** The recorded root seed: from the capture, else the `lockstep.seed` tag. */
export function rootSeedOf(capture: unknown, tags: Record<string, string>): string | null {
  return textAt(capture, "seed", "root") ?? tags["lockstep.seed"] ?? null;
}
