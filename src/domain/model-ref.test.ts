import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BadRequestError } from "./errors.js";
import { formatModelRef, parseModelRef } from "./model-ref.js";

describe("parseModelRef", () => {
  it("reads alias and version references", () => {
    expect(parseModelRef("models:/digits-clf@production")).toEqual({
      name: "digits-clf",
      alias: "production",
    });
    expect(parseModelRef("models:/digits-clf/3")).toEqual({ name: "digits-clf", version: 3 });
    expect(parseModelRef("models:/digits-clf/latest")).toEqual({
      name: "digits-clf",
      alias: "latest",
    });
  });

  it.each([
    "digits-clf@production",
    "models:/",
    "models:/digits-clf",
    "models:/digits-clf/",
    "models:/digits-clf/0",
    "models:/digits-clf/-1",
    "models:/digits-clf/1.5",
    "models:/digits-clf/v3",
    "models:/@production",
    "models:/digits-clf@",
    "models:/digits-clf@prod uction",
    "models:/a/b/3",
    "models://3",
  ])("refuses %j with a BadRequestError", (text) => {
    expect(() => parseModelRef(text)).toThrow(BadRequestError);
    expect(() => parseModelRef(text)).toThrow(/invalid model reference/);
  });

  it("round-trips through formatModelRef", () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/);
    fc.assert(
      fc.property(name, fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), (n, alias) => {
        expect(parseModelRef(formatModelRef({ name: n, alias }))).toEqual({ name: n, alias });
      }),
    );
    fc.assert(
      fc.property(name, fc.integer({ min: 1, max: 1e9 }), (n, version) => {
        expect(parseModelRef(formatModelRef({ name: n, version }))).toEqual({ name: n, version });
      }),
    );
  });
});
