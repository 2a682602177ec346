import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BadRequestError } from "../errors.js";
import type { Comparison, Filter } from "../search-filter.js";
import { parseFilter } from "./filter-parser.js";

function errorOf(text: string): BadRequestError {
  try {
    parseFilter(text);
  } catch (error) {
    if (error instanceof BadRequestError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe("parseFilter", () => {
  it("reads an empty or blank filter as no comparisons", () => {
    expect(parseFilter("")).toEqual([]);
    expect(parseFilter("  \n\t ")).toEqual([]);
  });

  it("reads metrics, params and tags joined by and", () => {
    expect(
      parseFilter("metrics.acc > 0.9 and params.lr = '0.01' AND tags.team != \"vision\""),
    ).toEqual([
      { entity: "metric", key: "acc", op: ">", value: 0.9 },
      { entity: "param", key: "lr", op: "=", value: "0.01" },
      { entity: "tag", key: "team", op: "!=", value: "vision" },
    ]);
  });

  it("accepts every prefix spelling MLflow does, in any case", () => {
    const spellings: [string, string][] = [
      ["metric.a < 1", "metric"],
      ["METRICS.a < 1", "metric"],
      ["param.a = 'x'", "param"],
      ["Parameters.a = 'x'", "param"],
      ["parameter.a = 'x'", "param"],
      ["tag.a = 'x'", "tag"],
      ["attr.status = 'x'", "attribute"],
      ["attribute.status = 'x'", "attribute"],
      ["run.status = 'x'", "attribute"],
      ["dataset.name = 'x'", "dataset"],
    ];
    for (const [text, entity] of spellings) {
      expect(parseFilter(text)[0]?.entity, text).toBe(entity);
    }
  });

  it("reads numbers in every form", () => {
    const values = ["1", "-2", "+3", "0.5", ".5", "5.", "1e3", "-1.5E-2", "-0"].map(
      (n) => parseFilter(`metrics.m >= ${n}`)[0]?.value,
    );
    expect(values).toEqual([1, -2, 3, 0.5, 0.5, 5, 1000, -0.015, 0]);
    expect(Object.is(parseFilter("metrics.m = -0")[0]?.value, 0)).toBe(true);
  });

  it("reads quoted keys, dotted keys and escaped quotes", () => {
    expect(parseFilter('metrics."my metric" > 1')[0]?.key).toBe("my metric");
    expect(parseFilter("metrics.`a b` > 1")[0]?.key).toBe("a b");
    expect(parseFilter("metrics.`a``b` > 1")[0]?.key).toBe("a`b");
    expect(parseFilter("metrics.train/loss.v2 < 1")[0]?.key).toBe("train/loss.v2");
    expect(parseFilter("params.p = 'it''s'")[0]?.value).toBe("it's");
    expect(parseFilter('params.p = "say ""hi"""')[0]?.value).toBe('say "hi"');
    expect(parseFilter("params.p='and or'")[0]?.value).toBe("and or");
  });

  it("reads run attributes with or without a prefix", () => {
    expect(parseFilter("status = 'FINISHED' and created >= 100 and end_time < 200")).toEqual([
      { entity: "attribute", key: "status", op: "=", value: "FINISHED" },
      { entity: "attribute", key: "start_time", op: ">=", value: 100 },
      { entity: "attribute", key: "end_time", op: "<", value: 200 },
    ]);
    expect(parseFilter("attributes.run_id IN ('a', \"b\") and run_name not  in ('c')")).toEqual([
      { entity: "attribute", key: "run_id", op: "IN", value: ["a", "b"] },
      { entity: "attribute", key: "run_name", op: "NOT IN", value: ["c"] },
    ]);
    expect(parseFilter("attr.run_name ilike '%Net%'")[0]?.op).toBe("ILIKE");
    expect(parseFilter("experiment_id in ('1', 2)")[0]?.value).toEqual(["1", "2"]);
    expect(parseFilter("experiment_id = 7")[0]?.value).toBe("7");
  });

  it("reads dataset comparisons", () => {
    expect(parseFilter("datasets.name IN ('digits') and datasets.digest like 'ab%'")).toEqual([
      { entity: "dataset", key: "name", op: "IN", value: ["digits"] },
      { entity: "dataset", key: "digest", op: "LIKE", value: "ab%" },
    ]);
  });

  it("needs no spaces around operators", () => {
    expect(parseFilter("metrics.acc>=-1 and params.lr='x'AND tags.t!=\"y\"")).toEqual([
      { entity: "metric", key: "acc", op: ">=", value: -1 },
      { entity: "param", key: "lr", op: "=", value: "x" },
      { entity: "tag", key: "t", op: "!=", value: "y" },
    ]);
    expect(parseFilter("run_id IN('a','b')")[0]?.value).toEqual(["a", "b"]);
  });

  it("normalises <> to !=", () => {
    expect(parseFilter("metrics.a <> 1")[0]?.op).toBe("!=");
  });

  it("parses experiment filters with the experiment target", () => {
    expect(
      parseFilter(
        "name = 'x' and attributes.creation_time > 5 and tags.a LIKE 'b%'",
        "experiments",
      ),
    ).toEqual([
      { entity: "attribute", key: "name", op: "=", value: "x" },
      { entity: "attribute", key: "creation_time", op: ">", value: 5 },
      { entity: "tag", key: "a", op: "LIKE", value: "b%" },
    ]);
    expect(parseFilter("last_update_time <= 9", "experiments")[0]?.key).toBe("last_update_time");
    const refused: [string, string][] = [
      ["metrics.a > 1", "position 0: experiments cannot be filtered by metrics"],
      ["params.a = 'b'", "experiments cannot be filtered by params"],
      ["datasets.name = 'b'", "experiments cannot be filtered by datasets"],
      ["status = 'x'", 'unknown experiment attribute "status"'],
      ["experiment_id = '1'", 'unknown experiment attribute "experiment_id"'],
      ["name IN ('a')", "attributes.name does not support IN"],
      ["creation_time = 'x'", "attributes.creation_time compares with a number"],
    ];
    for (const [text, message] of refused) {
      expect(() => parseFilter(text, "experiments"), text).toThrow(message);
    }
    expect(() => parseFilter("name = 'x'")).toThrow('unknown run attribute "name"');
  });

  const rejections: [string, string][] = [
    [
      "metrics.acc ~ 1",
      'invalid filter at position 12: expected a comparison operator after "metrics.acc", found "~"',
    ],
    ["metrics.acc = 'x'", "invalid filter at position 14: metrics.acc compares with a number"],
    ["params.lr > '1'", "invalid filter at position 10: params.lr does not support >"],
    ["params.lr = 1", "params.lr compares with a quoted string"],
    ["params.lr IN ('1')", "params.lr does not support IN"],
    ["tags.t NOT IN ('1')", "tags.t does not support NOT IN"],
    ["metrics.a LIKE '1'", "metrics.a does not support LIKE"],
    ["start_time LIKE '1'", "attributes.start_time does not support LIKE"],
    ["start_time > 1.5", "whole milliseconds"],
    ["experiment_id = 'x'", "experiment id"],
    ["experiment_id > 1", "does not support >"],
    ["params.p = 'abc", "invalid filter at position 11: unterminated string"],
    ["metrics.`abc > 1", "invalid filter at position 8: unterminated key"],
    ["metrics.a > 1 or metrics.b > 2", 'position 14: only "and" can join comparisons'],
    ["metrics.a > 1 metrics.b > 2", 'expected "and" or the end of the filter, found "metrics.b"'],
    ["metrics.a > 1 and", "position 17: expected an identifier"],
    ["metrics.a > 1e999", "out of range"],
    ["metrics.a > 1abc", "compares with a number"],
    ["metrics. > 1", 'expected a key after "metrics."'],
    ['metrics."" > 1', 'expected a key after "metrics."'],
    ["metrics > 1", 'expected "." and a key after "metrics"'],
    ["foo = 'x'", 'unknown run attribute "foo"'],
    ["attributes.foo = 'x'", 'unknown run attribute "foo"'],
    ["stuff.foo = 'x'", 'unknown prefix "stuff"'],
    ["constructor.foo = 'x'", 'unknown prefix "constructor"'],
    ["constructor = 'x'", 'unknown run attribute "constructor"'],
    ["__proto__ = 'x'", 'unknown run attribute "__proto__"'],
    ["datasets.size = 'x'", 'unknown dataset field "size"'],
    ["run_id IN 'a'", 'expected "(" to start a list'],
    ["run_id IN ('a' 'b')", 'expected "," or ")" in the list'],
    ["run_id IN ()", "lists hold quoted strings"],
    ["run_id IN (1)", "lists hold quoted strings"],
    ["(metrics.a > 1)", "position 0: expected an identifier"],
    ["metrics.a not like '1'", "expected a comparison operator"],
  ];
  it.each(rejections)("rejects %s", (text, message) => {
    const error = errorOf(text);
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain(message);
  });
});

// --- property tests --------------------------------------------------------------------------

const SIMPLE_KEY = /^[A-Za-z0-9_.\-/:]+$/;

function printKey(key: string): string {
  if (SIMPLE_KEY.test(key)) return key;
  return key.includes("`") && !key.includes('"') ? `"${key}"` : `\`${key.replaceAll("`", "``")}\``;
}

function printValue(value: Comparison["value"], quote: "'" | '"'): string {
  if (typeof value === "number") return String(value);
  const one = (s: string) => `${quote}${s.replaceAll(quote, quote + quote)}${quote}`;
  return Array.isArray(value) ? `(${value.map(one).join(", ")})` : one(value);
}

const PREFIX_SPELLINGS = {
  metric: ["metrics", "METRIC"],
  param: ["params", "parameter", "Param"],
  tag: ["tags", "TAG"],
  attribute: ["attributes", "attr", "run", ""],
  dataset: ["datasets", "dataset"],
} as const;

/** A printer with free choices (prefix spelling, quotes, case of `and`) the parser must ignore. */
function printFilter(filter: Filter, choices: number[]): string {
  return filter
    .map((c, i) => {
      const pick = choices[i] ?? 0;
      const spellings = PREFIX_SPELLINGS[c.entity];
      const prefix = spellings[pick % spellings.length] ?? "";
      const id = prefix === "" ? c.key : `${prefix}.${printKey(c.key)}`;
      const value = printValue(c.value, pick % 2 === 0 ? "'" : '"');
      const op = pick % 3 === 0 ? c.op.toLowerCase() : c.op;
      return `${id}${pick % 4 === 0 ? " " : "  "}${op} ${value}`;
    })
    .join(choices[0] === 1 ? " AND " : " and ");
}

const key = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_./:-]{1,12}$/),
  fc.string({ minLength: 1, maxLength: 12, unit: "grapheme-ascii" }),
  fc.string({ minLength: 1, maxLength: 8, unit: "binary" }),
);
const text = fc.string({ maxLength: 16, unit: "binary" });
const number = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n));
const numericOp = fc.constantFrom("=", "!=", ">", ">=", "<", "<=" as const);
const stringOp = fc.constantFrom("=", "!=", "LIKE", "ILIKE" as const);

const comparison: fc.Arbitrary<Comparison> = fc.oneof(
  fc.record({ entity: fc.constant("metric" as const), key, op: numericOp, value: number }),
  fc.record({
    entity: fc.constantFrom("param" as const, "tag" as const),
    key,
    op: stringOp,
    value: text,
  }),
  fc.record({
    entity: fc.constant("attribute" as const),
    key: fc.constantFrom("run_id", "run_name", "user_id", "status", "kind", "parent_id"),
    op: stringOp,
    value: text,
  }),
  fc.record({
    entity: fc.constantFrom("attribute" as const, "dataset" as const),
    key: fc.constantFrom("run_id", "name", "digest", "context"),
    op: fc.constantFrom("IN", "NOT IN" as const),
    value: fc.array(text, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    entity: fc.constant("attribute" as const),
    key: fc.constantFrom("start_time", "end_time"),
    op: numericOp,
    value: fc.maxSafeInteger().map((n) => (n === 0 ? 0 : n)),
  }),
);
// run_id IN fits attributes; name/digest/context fit datasets: repair mismatched pairs.
const fitted = comparison.map((c) =>
  c.op === "IN" || c.op === "NOT IN"
    ? { ...c, entity: c.key === "run_id" ? ("attribute" as const) : ("dataset" as const) }
    : c,
);

describe("parseFilter properties", () => {
  it("parses any printed filter back to the same comparisons", () => {
    fc.assert(
      fc.property(
        fc.array(fitted, { maxLength: 5 }),
        fc.array(fc.nat(11), { minLength: 5, maxLength: 5 }),
        (filter, choices) => {
          expect(parseFilter(printFilter(filter, choices))).toEqual(filter);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("throws nothing but BadRequestError on arbitrary text", () => {
    const noise = fc.oneof(
      fc.string({ maxLength: 40, unit: "binary" }),
      fc
        .array(
          fc.constantFrom(
            "metrics.",
            "params.a",
            "`",
            '"',
            "'",
            " ",
            "and",
            "or",
            "in",
            "not",
            "(",
            ")",
            ",",
            "=",
            "!",
            "<",
            ">",
            "1",
            "e",
            "-",
            ".",
            "status",
            "like",
          ),
          { maxLength: 14 },
        )
        .map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(noise, (input) => {
        try {
          parseFilter(input);
        } catch (error) {
          expect(error).toBeInstanceOf(BadRequestError);
          expect((error as BadRequestError).message).toMatch(/^invalid filter at position \d+: /);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
