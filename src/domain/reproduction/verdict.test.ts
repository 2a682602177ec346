import { describe, expect, it } from "vitest";
import { explainNondeterminism } from "./nondeterminism.js";
import type { ArtifactComparison, MetricComparison } from "./reproduction-types.js";
import { applyNoiseBand, seedSpread } from "./seed-spread.js";
import { decideVerdict } from "./verdict.js";

const metric = (status: MetricComparison["status"], b = 1): MetricComparison => ({
  key: "m",
  status,
  points: 1,
  maxRelative: status === "identical" ? 0 : 0.1,
  firstDivergence: status === "identical" ? null : { step: 0, index: 0, a: 1, b, relative: 0.1 },
  a: 1,
  b,
});
const artifact = (status: ArtifactComparison["status"]): ArtifactComparison => ({
  path: "model.bin",
  status,
  a: "sha256:a",
  b: "sha256:b",
});

describe("decideVerdict", () => {
  const verdict = (
    m: MetricComparison[],
    a: ArtifactComparison[],
    tolerance = 0,
    missing: string[] = [],
  ) => decideVerdict({ metrics: m, artifacts: a, tolerance, missing });

  it("is identical only when every value and digest is equal", () => {
    expect(verdict([metric("identical")], [artifact("identical")])).toBe("identical");
    expect(verdict([metric("within_tolerance")], [artifact("identical")], 0.1)).toBe(
      "within_tolerance",
    );
    expect(verdict([metric("within_noise")], [])).toBe("within_tolerance");
    expect(verdict([metric("diverged")], [])).toBe("diverged");
    expect(verdict([metric("missing")], [])).toBe("diverged");
  });

  it("counts differing artifact bytes unless a tolerance was given; a missing artifact always", () => {
    expect(verdict([metric("identical")], [artifact("differs")])).toBe("diverged");
    expect(verdict([metric("identical")], [artifact("differs")], 1e-6)).toBe("within_tolerance");
    expect(verdict([metric("identical")], [artifact("missing")], 1e-6)).toBe("diverged");
  });

  it("is diverged when the command ended otherwise than the recorded one", () => {
    const input = { metrics: [metric("identical")], artifacts: [], tolerance: 0, missing: [] };
    expect(decideVerdict({ ...input, statusDiffers: true })).toBe("diverged");
    expect(decideVerdict({ ...input, statusDiffers: false })).toBe("identical");
  });

  it("is not_reproducible when anything needed is missing", () => {
    expect(verdict([], [], 0, ["commit abc"])).toBe("not_reproducible");
  });
});

describe("seed spread", () => {
  it("gives mean, sample std, min, max and whether the original lies within", () => {
    const [s] = seedSpread({ acc: 0.5 }, [{ acc: 0.4 }, { acc: 0.6 }, { acc: 0.5 }]);
    expect(s).toMatchObject({
      key: "acc",
      n: 3,
      min: 0.4,
      max: 0.6,
      original: 0.5,
      originalWithin: true,
    });
    expect(s?.mean).toBeCloseTo(0.5, 12);
    expect(s?.std).toBeCloseTo(0.1, 12);
    expect(seedSpread({ acc: 0.9 }, [{ acc: 0.4 }, { acc: 0.6 }])[0]?.originalWithin).toBe(false);
  });

  it("turns a divergence inside the recorded noise band into within_noise, not one outside", () => {
    const band = seedSpread({ m: 1 }, [{ m: 0.9 }, { m: 1.2 }]);
    expect(applyNoiseBand([metric("diverged", 1.1)], band)[0]?.status).toBe("within_noise");
    expect(applyNoiseBand([metric("diverged", 1.5)], band)[0]?.status).toBe("diverged");
    expect(applyNoiseBand([metric("identical")], band)[0]?.status).toBe("identical");
  });
});

describe("explainNondeterminism", () => {
  it("names unseeded randomness, missing determinism settings and unfixed thread counts", () => {
    const capture = {
      seed: { derived: {}, determinismEnv: { PYTHONHASHSEED: "7" } },
      environment: { cpu: { count: 4 }, variables: {}, gpus: null },
    };
    const result = explainNondeterminism(capture, [metric("diverged")]);
    expect(result.summary).toMatch(/nondeterministic/);
    expect(result.causes).toHaveLength(3);
    expect(result.causes[0]).toMatch(/^unseeded randomness/);
    expect(result.causes[1]).toMatch(/CUBLAS_WORKSPACE_CONFIG, TF_DETERMINISTIC_OPS/);
    expect(result.causes[2]).toMatch(/OMP_NUM_THREADS.*on 4 CPUs/);
  });

  it("does not blame what the run did set", () => {
    const capture = {
      seed: {
        derived: { init: 1 },
        determinismEnv: {
          PYTHONHASHSEED: "7",
          CUBLAS_WORKSPACE_CONFIG: ":4096:8",
          TF_DETERMINISTIC_OPS: "1",
        },
      },
      environment: { cpu: { count: 4 }, variables: { OMP_NUM_THREADS: "1" }, gpus: [] },
    };
    const later = {
      ...metric("diverged"),
      firstDivergence: { step: 5, index: 5, a: 1, b: 2, relative: 0.5 },
    };
    expect(explainNondeterminism(capture, [later]).causes).toEqual([]);
  });
});
