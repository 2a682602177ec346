import { describe, expect, it } from "vitest";
import { matches, parseRegistryFilter } from "./registry-filter.js";

describe("parseRegistryFilter", () => {
  it("reads comparisons joined by and", () => {
    expect(parseRegistryFilter("name = 'a''b' and run_id != \"x\"", ["name", "run_id"])).toEqual([
      { key: "name", op: "=", value: "a'b" },
      { key: "run_id", op: "!=", value: "x" },
    ]);
    expect(parseRegistryFilter("", ["name"])).toEqual([]);
  });

  it("refuses unknown keys and broken syntax", () => {
    expect(() => parseRegistryFilter("owner = 'x'", ["name"])).toThrow(/invalid filter/);
    expect(() => parseRegistryFilter("name = x", ["name"])).toThrow(/invalid filter/);
    expect(() => parseRegistryFilter("name = 'x' or name = 'y'", ["name"])).toThrow(
      /invalid filter/,
    );
  });

  it("matches LIKE and ILIKE patterns literally apart from % and _", () => {
    const [like] = parseRegistryFilter("name LIKE 'digits%'", ["name"]);
    const [ilike] = parseRegistryFilter("name ILIKE 'DIG_TS.c%'", ["name"]);
    if (!like || !ilike) throw new Error("parse failed");
    expect(matches("digits-clf", like)).toBe(true);
    expect(matches("my-digits", like)).toBe(false);
    expect(matches("digits.clf", ilike)).toBe(true);
    expect(matches("digitsXclf", ilike)).toBe(false);
    expect(matches(undefined, like)).toBe(false);
  });
});
