import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { describe, expect, it } from "vitest";
import { BadRequestError } from "../domain/errors.js";
import { determinismEnv } from "./determinism-env.js";
import {
  deriveSeed,
  deterministicMathRandom,
  drawRootSeed,
  MAX_SEED,
  parseSeed,
  seededGenerator,
} from "./seeds.js";

const DOC = readFileSync(
  resolve(dirname(fileURLToPath(import.meta.url)), "../../docs/seeds.md"),
  "utf8",
);

/** The published test vectors; docs/seeds.md must list exactly these. */
const VECTORS: [root: number, label: string, seed: number][] = [
  [0, "", 2965228595],
  [7, "init", 1817561388],
  [7, "Init", 3643299946],
  [1, "init", 1158873114],
  [7, "data-shuffle", 904716520],
  [42, "Math.random", 3020479916],
  [4294967295, "dropout", 4160338473],
  [123456789, "données/批次-🎲", 581336086],
];

function docVectors(): [number, string, number][] {
  return [...DOC.matchAll(/^\| (\d+) \| `(".*")` \| (\d+) \|$/gm)].map((m) => [
    Number(m[1]),
    JSON.parse(m[2] ?? "") as string,
    Number(m[3]),
  ]);
}

function pythonHelper(): string {
  const block = /```python\n(import hashlib\n[\s\S]*?)```/.exec(DOC)?.[1];
  if (!block) throw new Error("docs/seeds.md has no Python helper");
  return block;
}

/** Runs the documented Python helper on each (root, label) pair. */
function pythonSeeds(pairs: [number, string][]): number[] {
  const script = `${pythonHelper()}\nimport json, sys\nprint(json.dumps([derive_seed(r, l) for r, l in json.load(sys.stdin)]))\n`;
  const out = execFileSync("python3", ["-S", "-c", script], {
    input: JSON.stringify(pairs),
    encoding: "utf8",
  });
  return JSON.parse(out) as number[];
}

describe("deriveSeed", () => {
  it("gives the published test vectors", () => {
    for (const [root, label, seed] of VECTORS) expect(deriveSeed(root, label)).toBe(seed);
  });

  it("docs/seeds.md publishes the same vectors", () => {
    expect(docVectors()).toEqual(VECTORS);
  });

  it("the documented Python helper computes the same values", () => {
    const pairs = VECTORS.map(([r, l]) => [r, l] as [number, string]);
    expect(pythonSeeds(pairs)).toEqual(VECTORS.map((v) => v[2]));
  });

  it("agrees with the Python helper on arbitrary roots and Unicode labels", () => {
    const pairs = fc.sample(
      fc.tuple(fc.integer({ min: 0, max: MAX_SEED }), fc.string({ unit: "grapheme" })),
      { numRuns: 200, seed: 42 },
    );
    expect(pythonSeeds(pairs)).toEqual(pairs.map(([r, l]) => deriveSeed(r, l)));
  });

  it("rejects roots that are not unsigned 32-bit integers", () => {
    for (const bad of [-1, MAX_SEED + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => deriveSeed(bad, "x")).toThrow(BadRequestError);
    }
  });

  it("always returns a valid seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SEED }), fc.string(), (root, label) => {
        const s = deriveSeed(root, label);
        return Number.isInteger(s) && s >= 0 && s <= MAX_SEED;
      }),
    );
  });
});

describe("parseSeed and drawRootSeed", () => {
  it("accepts integers and decimal strings in range", () => {
    expect(parseSeed(7)).toBe(7);
    expect(parseSeed(" 4294967295 ")).toBe(MAX_SEED);
    expect(parseSeed("0")).toBe(0);
  });

  it("rejects anything else", () => {
    for (const bad of ["-1", "1e3", "abc", "", "4294967296", 2.5, null, undefined, "0x10"]) {
      expect(() => parseSeed(bad)).toThrow(/Invalid seed/);
    }
  });

  it("draws root seeds in range that differ between draws", () => {
    const draws = Array.from({ length: 50 }, drawRootSeed);
    for (const d of draws) expect(parseSeed(d)).toBe(d);
    expect(new Set(draws).size).toBeGreaterThan(45);
  });
});

describe("seededGenerator", () => {
  it("pins the stream for (7, init)", () => {
    const g = seededGenerator(7, "init");
    expect(g.seed).toBe(1817561388);
    expect([g.next(), g.next(), g.next()]).toEqual([
      0.9162247698815127, 0.5933873853807612, 0.3486237132171809,
    ]);
  });

  it("repeats for the same label, differs between labels, stays in [0, 1)", () => {
    const a = seededGenerator(7, "a");
    const a2 = seededGenerator(7, "a");
    const b = seededGenerator(7, "b");
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => a2.next())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => b.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(Math.min(...xs)).toBeLessThan(0.01);
    expect(Math.max(...xs)).toBeGreaterThan(0.99);
  });

  it("works with pure-rand distributions through .rng", () => {
    const g = seededGenerator(1, "dice");
    const rolls = Array.from({ length: 600 }, () => uniformInt(g.rng, 1, 6));
    expect(new Set(rolls)).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });

  it("seeds above 2^31 still give distinct streams", () => {
    expect(deriveSeed(4294967295, "dropout")).toBeGreaterThan(2 ** 31);
    const g = seededGenerator(4294967295, "dropout");
    const h = seededGenerator(4294967295, "dropout2");
    expect(g.next()).not.toBe(h.next());
  });
});

describe("deterministicMathRandom", () => {
  it("replaces Math.random with the Math.random generator and restores it", () => {
    const original = Math.random;
    const handle = deterministicMathRandom(42);
    handle.install();
    try {
      const expected = seededGenerator(42, "Math.random");
      expect([Math.random(), Math.random()]).toEqual([expected.next(), expected.next()]);
    } finally {
      handle.restore();
    }
    expect(Math.random).toBe(original);
    handle.restore();
    expect(Math.random).toBe(original);
  });
});

describe("determinismEnv", () => {
  it("exports the seed and the framework settings", () => {
    expect(determinismEnv(7)).toEqual({
      LOCKSTEP_SEED: "7",
      PYTHONHASHSEED: "7",
      CUBLAS_WORKSPACE_CONFIG: ":4096:8",
      TF_DETERMINISTIC_OPS: "1",
      TF_CUDNN_DETERMINISTIC: "1",
    });
    expect(determinismEnv(7)).not.toHaveProperty("OMP_NUM_THREADS");
  });

  it("rejects an invalid seed", () => {
    expect(() => determinismEnv(-3)).toThrow(BadRequestError);
  });

  it("PYTHONHASHSEED takes effect in a real Python", () => {
    const env = { ...process.env, ...determinismEnv(MAX_SEED) };
    const run = () =>
      execFileSync("python3", ["-S", "-c", "print(hash('lockstep'))"], { env, encoding: "utf8" });
    expect(run()).toBe(run());
  });
});
