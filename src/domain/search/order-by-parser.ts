import { BadRequestError } from "../errors.js";
import type { OrderBy } from "../search-filter.js";
import { FilterScanner } from "./filter-lexer.js";
import { resolveIdentifier, SEARCH_TARGETS, type SearchTargetName } from "./search-target.js";

function parseEntry(entry: string, target: SearchTargetName): OrderBy {
  const fail = (position: number, detail: string): never => {
    throw new BadRequestError(
      `invalid order_by entry ${JSON.stringify(entry)} at position ${position}: ${detail}`,
    );
  };
  const scanner = new FilterScanner(entry, fail);
  if (scanner.atEnd()) fail(0, "expected an identifier such as metrics.<key>, found nothing");
  const raw = scanner.readIdentifier();
  const { entity, key } = resolveIdentifier(raw, SEARCH_TARGETS[target], "order", fail);
  // resolveIdentifier refuses datasets for ordering; this narrows the type.
  if (entity === "dataset") return fail(raw.start, "cannot order by datasets");
  let direction: OrderBy["direction"] = "ASC";
  if (scanner.keyword("desc")) direction = "DESC";
  else scanner.keyword("asc");
  if (!scanner.atEnd()) {
    fail(
      scanner.pos,
      `expected ASC, DESC or the end after "${raw.text}", found ${scanner.describe()}`,
    );
  }
  return { entity, key, direction };
}

/**
 * Parses MLflow `order_by` entries (`metrics.acc DESC`, `start_time`); the
 * direction defaults to ASC. Throws BadRequestError naming the bad entry.
 * `target` picks the keys allowed, as for parseFilter.
 */
export function parseOrderBy(
  entries: readonly string[],
  target: SearchTargetName = "runs",
): OrderBy[] {
  return entries.map((entry) => parseEntry(entry, target));
}
