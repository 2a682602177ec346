import { describe, expect, it } from "vitest";
import { BadRequestError } from "../domain/errors.js";
import { checkKey, checkStringMap, keyProblem } from "./key-rules.js";

describe("keyProblem", () => {
  it("accepts MLflow's key characters", () => {
    for (const key of ["loss", "val/loss", "a.b-c_d e:f", "/abs", "x".repeat(250)]) {
      expect(keyProblem(key)).toBeUndefined();
    }
  });

  it("names what is wrong with a bad key", () => {
    expect(keyProblem("")).toBe("must not be empty");
    expect(keyProblem("x".repeat(251))).toBe("must be at most 250 characters (got 251)");
    expect(keyProblem("a*b")).toMatch(/may contain only/);
    expect(keyProblem("a\u0000b")).toMatch(/may contain only/);
    expect(keyProblem("a/../b")).toBe("must not contain '.' or '..' path segments");
    expect(keyProblem("./a")).toBe("must not contain '.' or '..' path segments");
    expect(keyProblem("a//b")).toBe("must not contain empty path segments");
    expect(keyProblem("a/")).toBe("must not contain empty path segments");
  });
});

describe("checkKey and checkStringMap", () => {
  it("throw BadRequestError with an issue naming the field", () => {
    expect(() => checkKey("param", "a b!", "params.a b!")).toThrow(BadRequestError);
    try {
      checkStringMap({
        kind: "run tag",
        map: { ok: "v", long: "x".repeat(11) },
        maxValueLength: 10,
        path: "tags",
      });
      expect.unreachable();
    } catch (error) {
      expect((error as BadRequestError).toBody()).toEqual({
        error: {
          code: "BAD_REQUEST",
          message: 'run tag "long" value must be at most 10 characters (got 11)',
          issues: [{ path: "tags.long", message: "must be at most 10 characters (got 11)" }],
        },
      });
    }
  });
});
