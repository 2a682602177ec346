import { describe, expect, it } from "vitest";
import { compareArtifacts } from "./artifact-compare.js";
import { compareMetrics, relativeDifference } from "./metric-compare.js";

const history = (...values: number[]) =>
  values.map((value, step) => ({ value, step, timestamp: 1000 + step }));

describe("relativeDifference", () => {
  it("is 0 for equal values, NaN included, and relative to the larger magnitude otherwise", () => {
    expect(relativeDifference(1, 1)).toBe(0);
    expect(relativeDifference(Number.NaN, Number.NaN)).toBe(0);
    expect(relativeDifference(2, 1)).toBe(0.5);
    expect(relativeDifference(-1, 1)).toBe(2);
    expect(relativeDifference(Number.NaN, 1)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("compareMetrics", () => {
  it("compares the whole history and names the first step that split, and by how much", () => {
    const [m] = compareMetrics({ loss: history(1, 2, 3, 4) }, { loss: history(1, 2, 3.3, 4) });
    expect(m).toMatchObject({
      key: "loss",
      status: "diverged",
      points: 4,
      a: 4,
      b: 4,
      firstDivergence: { step: 2, index: 2, a: 3, b: 3.3 },
    });
    expect(m?.firstDivergence?.relative).toBeCloseTo(0.3 / 3.3, 12);
  });

  it("notices a difference in the middle even when the last values agree", () => {
    const [m] = compareMetrics({ x: history(1, 5, 9) }, { x: history(1, 6, 9) });
    expect(m?.status).toBe("diverged");
  });

  it("accepts differences within the relative tolerance", () => {
    const a = { x: history(1, 2) };
    const b = { x: history(1, 2 * (1 + 1e-9)) };
    expect(compareMetrics(a, b, 1e-6)[0]?.status).toBe("within_tolerance");
    expect(compareMetrics(a, b, 0)[0]?.status).toBe("diverged");
    expect(compareMetrics(a, a, 0)[0]?.status).toBe("identical");
  });

  it("treats a shorter history as a split where it ends", () => {
    const [m] = compareMetrics({ x: history(1, 2, 3) }, { x: history(1, 2) });
    expect(m).toMatchObject({ status: "diverged", firstDivergence: { step: 2, a: 3, b: null } });
  });

  it("reports keys only one side has, and ignores the system metrics of lockstep run", () => {
    const result = compareMetrics(
      { gone: history(1), "system/cpu_percent": history(10) },
      { fresh: history(1), "system/cpu_percent": history(90) },
    );
    expect(result.map((m) => [m.key, m.status])).toEqual([
      ["fresh", "added"],
      ["gone", "missing"],
    ]);
  });
});

describe("compareArtifacts", () => {
  it("compares digests by path and leaves out Lockstep's own files", () => {
    const result = compareArtifacts(
      [
        { path: "model.txt", digest: "sha256:a" },
        { path: "same.txt", digest: "sha256:s" },
        { path: "old.txt", digest: "sha256:o" },
        { path: "lockstep/code.patch", digest: "sha256:p" },
      ],
      [
        { path: "model.txt", digest: "sha256:b" },
        { path: "same.txt", digest: "sha256:s" },
        { path: "new.txt", digest: "sha256:n" },
        { path: "lockstep/code.patch", digest: "sha256:q" },
      ],
    );
    expect(result).toEqual([
      { path: "model.txt", status: "differs", a: "sha256:a", b: "sha256:b" },
      { path: "new.txt", status: "added", a: null, b: "sha256:n" },
      { path: "old.txt", status: "missing", a: "sha256:o", b: null },
      { path: "same.txt", status: "identical", a: "sha256:s", b: "sha256:s" },
    ]);
  });
});
