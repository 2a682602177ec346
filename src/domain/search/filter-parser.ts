import type { Comparison, ComparisonOp, Filter } from "../search-filter.js";
import { FilterScanner, filterError } from "./filter-lexer.js";
import {
  label,
  type ResolvedIdentifier,
  resolveIdentifier,
  SEARCH_TARGETS,
  type SearchTarget,
  type SearchTargetName,
  type ValueKind,
  valueKind,
} from "./search-target.js";

const NUMERIC_OPS: readonly ComparisonOp[] = ["=", "!=", ">", ">=", "<", "<="];
const OPS: Record<ValueKind, readonly ComparisonOp[]> = {
  number: NUMERIC_OPS,
  time: NUMERIC_OPS,
  keyValue: ["=", "!=", "LIKE", "ILIKE"],
  string: ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"],
  experiment: ["=", "!=", "IN", "NOT IN"],
};

/** One comparison's key, as resolved, and how its values compare. */
interface Subject extends ResolvedIdentifier {
  kind: ValueKind;
}

function parseComparison(scanner: FilterScanner, target: SearchTarget): Comparison {
  const raw = scanner.readIdentifier();
  const resolved = resolveIdentifier(raw, target, "filter", (p, d) => scanner.error(p, d));
  const kind = valueKind(resolved, target);
  const id: Subject = { ...resolved, kind };
  const opAt = scanner.mark();
  const op = scanner.readOperator();
  if (op === undefined) {
    scanner.error(
      opAt,
      `expected a comparison operator after "${raw.text}", found ${scanner.describe(opAt)}`,
    );
  }
  if (!OPS[kind].includes(op)) {
    scanner.error(opAt, `${label(id)} does not support ${op}; use one of ${OPS[kind].join(", ")}`);
  }
  const value = op === "IN" || op === "NOT IN" ? parseList(scanner, id) : parseScalar(scanner, id);
  return { entity: id.entity, key: id.key, op, value };
}

function parseScalar(scanner: FilterScanner, id: Subject): number | string {
  const kind = id.kind;
  const at = scanner.mark();
  if (kind === "number" || kind === "time") {
    const value = scanner.readNumber();
    if (value === undefined) {
      scanner.error(at, `${label(id)} compares with a number, found ${scanner.describe(at)}`);
    }
    if (kind === "time" && !Number.isSafeInteger(value)) {
      scanner.error(at, `${label(id)} compares with whole milliseconds since the epoch`);
    }
    return value;
  }
  if (kind === "experiment") return parseExperimentId(scanner, id);
  const value = scanner.readString();
  if (value === undefined) {
    scanner.error(at, `${label(id)} compares with a quoted string, found ${scanner.describe(at)}`);
  }
  return value;
}

function parseExperimentId(scanner: FilterScanner, id: Subject): string {
  const at = scanner.mark();
  const value = scanner.readString() ?? scanner.readNumber()?.toString();
  if (value === undefined || !/^\d+$/.test(value)) {
    scanner.error(at, `${label(id)} compares with an experiment id such as '1'`);
  }
  return value;
}

function parseList(scanner: FilterScanner, id: Subject): string[] {
  scanner.skipSpace();
  if (scanner.text[scanner.pos] !== "(") {
    scanner.error(scanner.pos, `expected "(" to start a list, found ${scanner.describe()}`);
  }
  scanner.pos++;
  const values: string[] = [];
  for (;;) {
    values.push(
      id.kind === "experiment" ? parseExperimentId(scanner, id) : listString(scanner, id),
    );
    scanner.skipSpace();
    const next = scanner.text[scanner.pos];
    if (next === ")") {
      scanner.pos++;
      return values;
    }
    if (next !== ",") {
      scanner.error(scanner.pos, `expected "," or ")" in the list, found ${scanner.describe()}`);
    }
    scanner.pos++;
  }
}

function listString(scanner: FilterScanner, id: Subject): string {
  const at = scanner.mark();
  const value = scanner.readString();
  if (value === undefined) {
    scanner.error(at, `${label(id)} lists hold quoted strings, found ${scanner.describe(at)}`);
  }
  return value;
}

/**
 * Parses an MLflow search filter into comparisons joined by `and`. Throws
 * BadRequestError naming the 0-based position and what was expected there.
 * Empty or blank text is the empty filter. `target` picks the attributes and
 * prefixes allowed: a run search's (default) or an experiment search's
 * (`name`, `creation_time`, `last_update_time`, `tags.`).
 *
 * @example parseFilter("metrics.acc > 0.9 and params.lr = '0.01'")
 */
export function parseFilter(text: string, target: SearchTargetName = "runs"): Filter {
  const scanner = new FilterScanner(text, filterError);
  const filter: Filter = [];
  if (scanner.atEnd()) return filter;
  for (;;) {
    filter.push(parseComparison(scanner, SEARCH_TARGETS[target]));
    if (scanner.atEnd()) return filter;
    const at = scanner.pos;
    if (scanner.keyword("and")) continue;
    if (scanner.peekWord()?.toLowerCase() === "or") {
      scanner.error(at, `only "and" can join comparisons; "or" is not supported`);
    }
    scanner.error(at, `expected "and" or the end of the filter, found ${scanner.describe(at)}`);
  }
}
