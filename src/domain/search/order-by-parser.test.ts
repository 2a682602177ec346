import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BadRequestError } from "../errors.js";
import type { OrderBy } from "../search-filter.js";
import { parseOrderBy } from "./order-by-parser.js";

describe("parseOrderBy", () => {
  it("reads identifiers with an optional direction", () => {
    expect(
      parseOrderBy([
        "metrics.acc DESC",
        "params.lr",
        "tags.`team name` asc",
        "attributes.start_time desc",
        "run_name",
        " created  Desc ",
        'metric."a b"',
      ]),
    ).toEqual([
      { entity: "metric", key: "acc", direction: "DESC" },
      { entity: "param", key: "lr", direction: "ASC" },
      { entity: "tag", key: "team name", direction: "ASC" },
      { entity: "attribute", key: "start_time", direction: "DESC" },
      { entity: "attribute", key: "run_name", direction: "ASC" },
      { entity: "attribute", key: "start_time", direction: "DESC" },
      { entity: "metric", key: "a b", direction: "ASC" },
    ]);
    expect(parseOrderBy([])).toEqual([]);
  });

  it("orders experiments by their attributes only", () => {
    expect(
      parseOrderBy(["name DESC", "experiment_id", "attributes.last_update_time"], "experiments"),
    ).toEqual([
      { entity: "attribute", key: "name", direction: "DESC" },
      { entity: "attribute", key: "experiment_id", direction: "ASC" },
      { entity: "attribute", key: "last_update_time", direction: "ASC" },
    ]);
    expect(() => parseOrderBy(["metrics.a"], "experiments")).toThrow(
      "experiments cannot be ordered by metrics",
    );
    expect(() => parseOrderBy(["start_time"], "experiments")).toThrow(
      'unknown experiment attribute "start_time"',
    );
    expect(() => parseOrderBy(["name"])).toThrow('unknown run attribute "name"');
  });

  const rejections: [string, string][] = [
    ["", 'invalid order_by entry "" at position 0: expected an identifier'],
    ["   ", "expected an identifier"],
    ["metrics.acc DESC x", 'invalid order_by entry "metrics.acc DESC x" at position 17'],
    ["metrics.acc descending", 'expected ASC, DESC or the end after "metrics.acc"'],
    ["metrics.acc, params.lr", 'found ","'],
    ["datasets.name", "runs cannot be ordered by datasets"],
    ["foo", 'unknown run attribute "foo"'],
    ["bogus.foo", 'unknown prefix "bogus"'],
    ["metrics.`acc", "unterminated key"],
    ["metrics", 'expected "." and a key after "metrics"'],
  ];
  it.each(rejections)("rejects %j", (entry, message) => {
    expect(() => parseOrderBy(["start_time", entry])).toThrow(BadRequestError);
    expect(() => parseOrderBy([entry])).toThrow(message);
  });

  it("parses any printed entry back to the same order", () => {
    const key = fc.string({ minLength: 1, maxLength: 10, unit: "binary" });
    const order: fc.Arbitrary<OrderBy> = fc.oneof(
      fc.record({
        entity: fc.constantFrom("metric" as const, "param" as const, "tag" as const),
        key,
        direction: fc.constantFrom("ASC" as const, "DESC" as const),
      }),
      fc.record({
        entity: fc.constant("attribute" as const),
        key: fc.constantFrom("run_id", "start_time", "end_time", "status", "run_name"),
        direction: fc.constantFrom("ASC" as const, "DESC" as const),
      }),
    );
    const prefix = { metric: "metrics.", param: "params.", tag: "tags.", attribute: "" };
    fc.assert(
      fc.property(fc.array(order, { maxLength: 4 }), fc.boolean(), (orders, explicitAsc) => {
        const printed = orders.map((o) => {
          const k = o.entity === "attribute" ? o.key : `\`${o.key.replaceAll("`", "``")}\``;
          const dir = o.direction === "DESC" ? " desc" : explicitAsc ? " ASC" : "";
          return `${prefix[o.entity]}${k}${dir}`;
        });
        expect(parseOrderBy(printed)).toEqual(orders);
      }),
      { numRuns: 300 },
    );
  });

  it("throws nothing but BadRequestError on arbitrary entries", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30, unit: "binary" }), (entry) => {
        try {
          parseOrderBy([entry]);
        } catch (error) {
          expect(error).toBeInstanceOf(BadRequestError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
