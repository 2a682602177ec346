import { describe, expect, it } from "vitest";
import { aliasProblem, modelVersionDigest, moveToUndo } from "./model-rules.js";
import type { AliasMove } from "./registered-model.js";

function move(
  seq: number,
  kind: AliasMove["kind"],
  from: number | null,
  to: number | null,
): AliasMove {
  return { seq, kind, fromVersion: from, toVersion: to, name: "m", alias: "a", user: "u", at: seq };
}

describe("model rules", () => {
  it("applies MLflow's alias rules", () => {
    expect(aliasProblem("production")).toBeUndefined();
    expect(aliasProblem("prod-2_b")).toBeUndefined();
    expect(aliasProblem("latest")).toBe("is reserved");
    expect(aliasProblem("v12")).toBe("is reserved");
    expect(aliasProblem("V3")).toBe("is reserved");
    expect(aliasProblem("v1a")).toBeUndefined();
    expect(aliasProblem("")).toBe("must not be empty");
    expect(aliasProblem("a b")).toMatch(/only letters/);
    expect(aliasProblem("x".repeat(256))).toMatch(/at most 255/);
    expect(aliasProblem("x".repeat(255))).toBeUndefined();
  });

  it("digests the file list independently of its order", () => {
    const a = { path: "a.txt", digest: "sha256:1", size: 1 };
    const b = { path: "b.txt", digest: "sha256:2", size: 2 };
    expect(modelVersionDigest([a, b])).toBe(modelVersionDigest([b, a]));
    expect(modelVersionDigest([a, b])).not.toBe(
      modelVersionDigest([a, { ...b, digest: "sha256:3" }]),
    );
    expect(modelVersionDigest([a])).not.toBe(modelVersionDigest([{ ...a, path: "c.txt" }]));
  });

  it("undoes moves as a stack, so two rollbacks walk back two moves", () => {
    const h = [move(1, "set", null, 1), move(2, "set", 1, 2), move(3, "set", 2, 3)];
    expect(moveToUndo(h)?.seq).toBe(3);
    expect(moveToUndo([...h, move(4, "rollback", 3, 2)])?.seq).toBe(2);
    expect(moveToUndo([...h, move(4, "rollback", 3, 2), move(5, "rollback", 2, 1)])?.seq).toBe(1);
    expect(moveToUndo([])).toBeUndefined();
  });
});
