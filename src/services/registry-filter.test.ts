import { describe, expect, it } from "vitest";
import { parseRegistryFilter } from "./registry-filter.js";

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
});
