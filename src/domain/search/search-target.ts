import { DATASET_FIELDS, type FilterEntity, RUN_ATTRIBUTES } from "../search-filter.js";
import type { RawIdentifier } from "./filter-lexer.js";

/** How a key's values compare; decides the operators and the value's type. */
export type ValueKind = "number" | "keyValue" | "string" | "time" | "experiment";

/** What one search (runs or experiments) lets a filter or order_by name. */
export interface SearchTarget {
  /** "run" or "experiment", for messages. */
  noun: string;
  entities: readonly FilterEntity[];
  /** Attributes a filter may compare, and how. */
  attributes: Readonly<Record<string, ValueKind>>;
  /** Attributes that only order_by may name. */
  orderOnly: readonly string[];
  aliases: Readonly<Record<string, string>>;
}

const RUN_KINDS: Record<string, ValueKind> = Object.fromEntries(
  RUN_ATTRIBUTES.map((name) => [
    name,
    name === "start_time" || name === "end_time"
      ? "time"
      : name === "experiment_id"
        ? "experiment"
        : "string",
  ]),
);

export const SEARCH_TARGETS = {
  runs: {
    noun: "run",
    entities: ["metric", "param", "tag", "attribute", "dataset"],
    attributes: RUN_KINDS,
    orderOnly: [],
    aliases: { created: "start_time" },
  },
  // MLflow's search_experiments: name and times, plus tags; experiment_id orders only.
  experiments: {
    noun: "experiment",
    entities: ["tag", "attribute"],
    attributes: { name: "keyValue", creation_time: "time", last_update_time: "time" },
    orderOnly: ["experiment_id"],
    aliases: {},
  },
} as const satisfies Record<string, SearchTarget>;

export type SearchTargetName = keyof typeof SEARCH_TARGETS;

/** Every prefix spelling MLflow accepts, lower-cased. */
const PREFIXES: Record<string, FilterEntity> = {
  metric: "metric",
  metrics: "metric",
  param: "param",
  params: "param",
  parameter: "param",
  parameters: "param",
  tag: "tag",
  tags: "tag",
  attribute: "attribute",
  attributes: "attribute",
  attr: "attribute",
  run: "attribute",
  dataset: "dataset",
  datasets: "dataset",
};

const ENTITY_NAMES: Record<FilterEntity, string> = {
  metric: "metrics",
  param: "params",
  tag: "tags",
  attribute: "attributes",
  dataset: "datasets",
};

export interface ResolvedIdentifier {
  entity: FilterEntity;
  key: string;
}

type Fail = (position: number, detail: string) => never;

/** A record lookup that ignores Object.prototype (a key may be "constructor"). */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Turns `metrics.acc`, `attr.created` or `status` into an entity and key
 * that the target allows for `use`; `fail` gets the position and the problem.
 */
export function resolveIdentifier(
  raw: RawIdentifier,
  target: SearchTarget,
  use: "filter" | "order",
  fail: Fail,
): ResolvedIdentifier {
  if (raw.prefix === undefined) {
    return { entity: "attribute", key: attributeName(raw, target, use, fail) };
  }
  const entity = own(PREFIXES, raw.prefix.toLowerCase());
  if (entity === undefined) {
    const prefixes = target.entities.map((e) => `${ENTITY_NAMES[e]}.`).join(", ");
    return fail(
      raw.start,
      `unknown prefix "${raw.prefix}" in "${raw.text}"; expected one of ${prefixes}`,
    );
  }
  if (!target.entities.includes(entity) || (use === "order" && entity === "dataset")) {
    const verb = use === "filter" ? "filtered" : "ordered";
    return fail(raw.start, `${target.noun}s cannot be ${verb} by ${ENTITY_NAMES[entity]}`);
  }
  if (entity === "attribute") {
    return { entity, key: attributeName(raw, target, use, fail) };
  }
  if (entity === "dataset" && !(DATASET_FIELDS as readonly string[]).includes(raw.key)) {
    return fail(
      raw.start,
      `unknown dataset field "${raw.key}"; expected one of ${DATASET_FIELDS.join(", ")}`,
    );
  }
  return { entity, key: raw.key };
}

function attributeName(
  raw: RawIdentifier,
  target: SearchTarget,
  use: "filter" | "order",
  fail: Fail,
): string {
  const name = own(target.aliases, raw.key) ?? raw.key;
  const known = [...Object.keys(target.attributes), ...(use === "order" ? target.orderOnly : [])];
  if (known.includes(name)) return name;
  if (raw.prefix === undefined && own(PREFIXES, raw.key.toLowerCase()) !== undefined) {
    return fail(raw.start + raw.text.length, `expected "." and a key after "${raw.text}"`);
  }
  const names = [...known, ...Object.keys(target.aliases)].join(", ");
  return fail(raw.start, `unknown ${target.noun} attribute "${raw.key}"; expected one of ${names}`);
}

export function valueKind(id: ResolvedIdentifier, target: SearchTarget): ValueKind {
  if (id.entity === "metric") return "number";
  if (id.entity === "param" || id.entity === "tag") return "keyValue";
  if (id.entity === "dataset") return "string";
  return own(target.attributes, id.key) ?? "string";
}

/** The identifier as messages show it: `metrics.acc`, `attributes.status`. */
export function label(id: ResolvedIdentifier): string {
  return `${ENTITY_NAMES[id.entity]}.${id.key}`;
}
