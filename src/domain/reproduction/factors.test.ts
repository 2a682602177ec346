import { describe, expect, it } from "vitest";
import { compareFactors } from "./factors.js";
import type { RunSnapshot } from "./reproduction-types.js";

type RunPart = RunSnapshot["run"];

function run(overrides: {
  params?: Record<string, string>;
  seed?: number;
  commit?: string;
  cwd?: string;
  argv?: string[];
  python?: string;
  hostname?: string;
  variables?: Record<string, string>;
  lockDigest?: string;
  inputs?: RunPart["inputs"];
}): RunPart {
  const seed = overrides.seed ?? 7;
  return {
    id: "r",
    params: { seed: String(seed), ...overrides.params },
    tags: { "lockstep.seed": String(seed) },
    inputs: overrides.inputs ?? [],
    capture: {
      code: {
        inRepo: true,
        commit: overrides.commit ?? "c1",
        dirty: false,
        diff: null,
        cwd: overrides.cwd ?? "/home/a/repo/sub",
        pathInRepo: "sub",
        argv: overrides.argv ?? ["python3", `${overrides.cwd ?? "/home/a/repo/sub"}/train.py`],
        lockfiles: [
          { file: "requirements.txt", digest: overrides.lockDigest ?? "sha256:l1", size: 3 },
        ],
      },
      seed: { root: seed, derived: {}, determinismEnv: {} },
      environment: {
        hostname: overrides.hostname ?? "box",
        python: {
          version: overrides.python ?? "3.11.2",
          packages: [{ name: "numpy", version: "1.26" }],
        },
        cpu: { model: "x", count: 2 },
        variables: {
          PYTHONHASHSEED: String(seed),
          LOCKSTEP_RUN_ID: Math.random().toString(),
          ...overrides.variables,
        },
      },
    },
  };
}

const differing = (f: ReturnType<typeof compareFactors>) =>
  Object.entries(f)
    .filter(([, v]) => v !== "same")
    .map(([k]) => k);

describe("compareFactors", () => {
  it("finds two recordings of one setup the same, wherever the checkout was", () => {
    const here = run({ cwd: "/home/a/repo/sub" });
    const there = run({ cwd: "/tmp/lockstep-reproduce-x/sub" });
    expect(differing(compareFactors(here, there))).toEqual([]);
  });

  it("names the one factor that differs", () => {
    const base = run({});
    expect(differing(compareFactors(base, run({ commit: "c2" })))).toEqual(["code"]);
    expect(differing(compareFactors(base, run({ argv: ["python3", "other.py"] })))).toEqual([
      "code",
    ]);
    // The seed param and PYTHONHASHSEED follow the seed: one factor, not three.
    expect(differing(compareFactors(base, run({ seed: 8 })))).toEqual(["seed"]);
    expect(differing(compareFactors(base, run({ params: { lr: "0.2" } })))).toEqual(["params"]);
    const io = { kind: "dataset" as const, name: "digits", context: "training" };
    const v1 = run({ inputs: [{ ...io, version: "v1", digest: "sha256:1" }] });
    const v2 = run({ inputs: [{ ...io, version: "v2", digest: "sha256:2" }] });
    expect(compareFactors(v1, v2).data).toEqual({
      differs: [{ item: "dataset digits", a: "v1 (sha256:1)", b: "v2 (sha256:2)" }],
    });
  });

  it("ranks environment differences: runtime and lockfiles first, hostname last", () => {
    const other = run({
      hostname: "elsewhere",
      python: "3.12.1",
      lockDigest: "sha256:l2",
      variables: { OMP_NUM_THREADS: "4", TERM: "xterm" },
    });
    const env = compareFactors(run({}), other).environment;
    expect(env).not.toBe("same");
    const items =
      env === "same"
        ? []
        : env.differs.map((d) => [d.item, (d as { likelihood?: string }).likelihood]);
    expect(items).toEqual([
      ["python version", "high"],
      ["lockfile requirements.txt", "high"],
      ["variable OMP_NUM_THREADS", "medium"],
      ["variable TERM", "low"],
      ["hostname", "low"],
    ]);
  });
});
