import { deriveSeed, seededGenerator } from "../capture/seeds.js";
import type { Uniform } from "./random-sampler.js";

/**
 * Trial `index`'s root seed: deriveSeed(sweep seed, "trial-<index>"). A requeued
 * attempt keeps it, so every attempt of a trial runs with the same seed.
 */
export function trialSeed(sweepSeed: number, index: number): number {
  return deriveSeed(sweepSeed, `trial-${index}`);
}

/** The generator a sampler draws trial `index`'s params from (label `sampler-<index>`). */
export function samplerRandom(sweepSeed: number, index: number): Uniform {
  return seededGenerator(sweepSeed, `sampler-${index}`).next;
}
