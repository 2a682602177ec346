import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MlflowError } from "../../src/server/mlflow/mlflow-errors.js";
import { parseMlflowJson } from "../../src/server/mlflow/mlflow-json-parser.js";
import { parseProxyPath, requireProxyPath } from "../../src/server/mlflow/proxy-artifact-path.js";
import {
  experimentIdOf,
  metricValue,
  optionalInt,
  runIdOf,
  stringList,
  viewTypeOf,
} from "../../src/server/mlflow/request-fields.js";

const RUN = "0123456789abcdef0123456789abcdef";

function errorCode(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof MlflowError ? error.errorCode : "not an MlflowError";
  }
  return undefined;
}

describe("parseMlflowJson", () => {
  it("reads Python's bare NaN and ±Infinity but leaves them alone inside strings", () => {
    expect(
      parseMlflowJson('{"v": NaN, "w": -Infinity, "x": Infinity, "s": "NaN -Infinity \\" NaN"}'),
    ).toEqual({
      v: "NaN",
      w: "-Infinity",
      x: "Infinity",
      s: 'NaN -Infinity " NaN',
    });
    expect(parseMlflowJson("")).toEqual({});
    expect(errorCode(() => parseMlflowJson("{NaN"))).toBe("BAD_REQUEST");
  });

  it("agrees with JSON.parse on every JSON text", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(parseMlflowJson(text)).toEqual(JSON.parse(text));
      }),
    );
  });
});

describe("request fields", () => {
  it("takes run_id, else run_uuid, and requires one", () => {
    expect(runIdOf({ run_id: "a", run_uuid: "b" })).toBe("a");
    expect(runIdOf({ run_id: "", run_uuid: "b" })).toBe("b");
    expect(runIdOf({ run_uuid: ["b"] })).toBe("b");
    expect(errorCode(() => runIdOf({}))).toBe("INVALID_PARAMETER_VALUE");
    expect(errorCode(() => runIdOf({ run_id: { x: 1 } }))).toBe("INVALID_PARAMETER_VALUE");
  });

  it("turns numeric experiment ids into strings and reads lists from repeated keys", () => {
    expect(experimentIdOf({ experiment_id: 7 })).toBe("7");
    expect(stringList({ ids: ["1", 2] }, "ids")).toEqual(["1", "2"]);
    expect(stringList({ ids: "1" }, "ids")).toEqual(["1"]);
    expect(stringList({}, "ids")).toEqual([]);
  });

  it("reads int64 from numbers and digit strings only", () => {
    expect(optionalInt({ n: "42" }, "n")).toBe(42);
    expect(optionalInt({ n: -3 }, "n")).toBe(-3);
    expect(optionalInt({}, "n")).toBeUndefined();
    for (const n of [1.5, "1e3", "x", true, 2 ** 60]) {
      expect(errorCode(() => optionalInt({ n }, "n"))).toBe("INVALID_PARAMETER_VALUE");
    }
  });

  it("reads metric values and view types as MLflow sends them", () => {
    expect(metricValue({ value: "NaN" })).toBe("NaN");
    expect(metricValue({ value: "1.5" })).toBe(1.5);
    expect(errorCode(() => metricValue({ value: "" }))).toBe("INVALID_PARAMETER_VALUE");
    expect(errorCode(() => metricValue({}))).toBe("INVALID_PARAMETER_VALUE");
    expect(viewTypeOf({ v: "all" }, "v")).toBe("ALL");
    expect(viewTypeOf({ v: 2 }, "v")).toBe("DELETED_ONLY");
    expect(errorCode(() => viewTypeOf({ v: "SOME" }, "v"))).toBe("INVALID_PARAMETER_VALUE");
  });
});

describe("proxy artifact paths", () => {
  it("finds the run and the path under its artifact root", () => {
    expect(parseProxyPath(`3/${RUN}/artifacts/model/a.bin`)).toEqual({
      runId: RUN,
      path: "model/a.bin",
    });
    expect(parseProxyPath(`3/${RUN}/artifacts`)).toEqual({ runId: RUN, path: "" });
    expect(parseProxyPath(`custom/prefix/${RUN}/artifacts/x/`)).toEqual({ runId: RUN, path: "x" });
    expect(parseProxyPath("3/notarun/artifacts/x")).toBeUndefined();
    expect(errorCode(() => requireProxyPath("3/x"))).toBe("INVALID_PARAMETER_VALUE");
    expect(errorCode(() => parseProxyPath(`3/${RUN}/artifacts/../../${RUN}/artifacts/x`))).toBe(
      "INVALID_PARAMETER_VALUE",
    );
  });
});
