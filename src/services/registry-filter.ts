import { BadRequestError } from "../domain/errors.js";

/** One `key op 'value'` comparison of a registry search filter. */
export interface RegistryComparison {
  key: string;
  op: "=" | "!=" | "LIKE" | "ILIKE";
  value: string;
}

const COMPARISON =
  /^\s*(?:attributes?\.|attr\.)?([`"]?)([\w.]+)\1\s*(=|!=|LIKE|ILIKE)\s*(?:'((?:[^']|'')*)'|"((?:[^"]|"")*)")\s*$/i;

/**
 * The subset of MLflow's registry search syntax Lockstep serves: comparisons
 * joined by `and`, on `name` for models and on `name`, `run_id`, `version`
 * and `tags.<key>` for versions.
 */
export function parseRegistryFilter(
  filter: string | undefined,
  keys: string[],
): RegistryComparison[] {
  if (filter === undefined || filter.trim() === "") return [];
  return filter.split(/\s+and\s+/i).map((part) => {
    const match = COMPARISON.exec(part);
    const key = match?.[2];
    if (
      !match ||
      key === undefined ||
      !(keys.includes(key) || (keys.includes("tags") && key.startsWith("tags.")))
    ) {
      throw new BadRequestError(
        `invalid filter ${JSON.stringify(filter)}: expected comparisons like name = 'x' or name LIKE 'x%' on ${keys.join(", ")}`,
      );
    }
    const op = (match[3] ?? "=").toUpperCase() as RegistryComparison["op"];
    const value =
      match[4] !== undefined
        ? match[4].replaceAll("''", "'")
        : (match[5] ?? "").replaceAll('""', '"');
    return { key, op, value };
  });
}

function likeToRegExp(pattern: string, flags: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === "%" ? ".*" : c === "_" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, flags);
}

export function matches(value: string | undefined, comparison: RegistryComparison): boolean {
  if (value === undefined) return false;
  switch (comparison.op) {
    case "=":
      return value === comparison.value;
    case "!=":
      return value !== comparison.value;
    case "LIKE":
      return likeToRegExp(comparison.value, "s").test(value);
    case "ILIKE":
      return likeToRegExp(comparison.value, "is").test(value);
  }
}
