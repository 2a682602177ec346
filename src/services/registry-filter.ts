import { BadRequestError } from "../domain/errors.js";
import type { RegistryComparison } from "../domain/registry-search.js";

export type { RegistryComparison };

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
