import { Type } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { ApiError } from "../domain/errors.js";
import { UpdateRunBody } from "./schemas/run-schemas.js";
import { typeboxValidatorCompiler } from "./typebox-validator.js";

type Validate = (data: unknown) => { value?: unknown; error?: unknown };

function compile(
  schema: Parameters<typeof typeboxValidatorCompiler>[0]["schema"],
  httpPart: string,
) {
  return typeboxValidatorCompiler({ schema, httpPart, method: "POST", url: "/x" }) as Validate;
}

function errorOf(result: { error?: unknown }) {
  expect(result.error).toBeInstanceOf(ApiError);
  return (result.error as ApiError).toBody();
}

describe("typeboxValidatorCompiler", () => {
  it("names union members, nested fields and escaped keys", () => {
    const body = compile(UpdateRunBody, "body");
    expect(errorOf(body({ endTime: "soon" }))).toEqual({
      error: {
        code: "BAD_REQUEST",
        message: "invalid request body: endTime must be one of an integer, null",
        issues: [{ path: "endTime", message: "must be one of an integer, null" }],
      },
    });
    const tags = compile(Type.Object({ tags: Type.Record(Type.String(), Type.String()) }), "body");
    expect(errorOf(tags({ tags: { "a/b": 1 } })).error.issues).toEqual([
      { path: "tags.a/b", message: "must be a string" },
    ]);
  });

  it("never coerces bodies but converts query strings", () => {
    const schema = Type.Object({
      n: Type.Optional(Type.Integer()),
      list: Type.Optional(Type.Array(Type.String())),
    });
    expect(compile(schema, "body")({ n: "5" }).error).toBeInstanceOf(ApiError);
    expect(compile(schema, "querystring")({ n: "5", list: "one" })).toEqual({
      value: { n: 5, list: ["one"] },
    });
    expect(errorOf(compile(schema, "querystring")({ n: "five" })).error.message).toBe(
      "invalid query string: n must be an integer",
    );
  });

  it("caps the issues at ten", () => {
    const schema = Type.Array(Type.Integer());
    const result = compile(schema, "body")(Array.from({ length: 50 }, () => "x"));
    expect(errorOf(result).error.issues).toHaveLength(10);
  });
});
