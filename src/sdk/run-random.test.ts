import { describe, expect, it } from "vitest";
import { deriveSeed, seededGenerator } from "../capture/seeds.js";
import { holdMathRandom, mathRandomHeldBy, RunSeeds } from "./run-random.js";

describe("RunSeeds", () => {
  it("remembers each label's derived seed once, in first-asked order, and counts new labels", () => {
    const seeds = new RunSeeds(7);
    expect(seeds.changes).toBe(0);
    expect(seeds.random("init").seed).toBe(1817561388);
    seeds.random("data-shuffle");
    seeds.random("init");
    expect(seeds.changes).toBe(2);
    expect(Object.keys(seeds.derivedSeeds())).toEqual(["init", "data-shuffle"]);
    expect(seeds.derivedSeeds()).toEqual({ init: 1817561388, "data-shuffle": 904716520 });
  });

  it("starts the same stream every time a label is asked for", () => {
    const seeds = new RunSeeds(123);
    const a = seeds.random("x");
    a.next();
    expect(seeds.random("x").next()).toBe(seededGenerator(123, "x").next());
  });

  it("refuses a label that is not a string", () => {
    expect(() => new RunSeeds(1).random(undefined as unknown as string)).toThrow(TypeError);
  });
});

describe("holdMathRandom", () => {
  it("installs the seeded Math.random once, refuses a second holder, and restores once", () => {
    const original = Math.random;
    const seeds = new RunSeeds(42);
    const release = holdMathRandom("run-a", seeds);
    try {
      expect(mathRandomHeldBy()).toBe("run-a");
      expect(Math.random()).toBe(seededGenerator(42, "Math.random").next());
      expect(seeds.derivedSeeds()).toEqual({ "Math.random": deriveSeed(42, "Math.random") });
      expect(() => holdMathRandom("run-b", new RunSeeds(1))).toThrow(/run run-a/);
    } finally {
      release();
    }
    expect(Math.random).toBe(original);
    expect(mathRandomHeldBy()).toBeUndefined();
    // A second release must not undo someone else's later install.
    const other = holdMathRandom("run-c", new RunSeeds(5));
    release();
    expect(mathRandomHeldBy()).toBe("run-c");
    other();
    expect(Math.random).toBe(original);
  });
});
