import { createHash } from "node:crypto";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { BadRequestError } from "../domain/errors.js";
import { isValidSeed, MAX_SEED } from "./root-seed.js";

export { drawRootSeed, isValidSeed, MAX_SEED, parseSeed } from "./root-seed.js";

/** Prefix of the hashed message; a new derivation would get a new version tag. */
export const SEED_DOMAIN = "lockstep-seed-v1";

/**
 * The seed for `label` under `root`: the first four bytes, big-endian, of
 * SHA-256 over the UTF-8 bytes of `lockstep-seed-v1\0<root in decimal>\0<label>`.
 * A pure function, the same in every language; see docs/seeds.md.
 *
 * @example deriveSeed(7, "init") // 1817561388
 */
export function deriveSeed(root: number, label: string): number {
  if (!isValidSeed(root)) {
    throw new BadRequestError(
      `Invalid root seed ${root}: expected an integer from 0 to ${MAX_SEED}`,
    );
  }
  const digest = createHash("sha256").update(`${SEED_DOMAIN}\0${root}\0${label}`, "utf8").digest();
  return digest.readUInt32BE(0);
}

/** A seeded generator: pure-rand's, plus `next()` for a float in [0, 1). */
export type SeededGenerator = {
  /** A float in [0, 1) with 53 random bits, like Math.random. */
  next(): number;
  /** The underlying xoroshiro128+ generator, for pure-rand's distributions. */
  readonly rng: RandomGenerator;
  readonly seed: number;
};

/** A xoroshiro128+ generator seeded with `deriveSeed(root, label)`. */
export function seededGenerator(root: number, label: string): SeededGenerator {
  const seed = deriveSeed(root, label);
  // xoroshiro128plus reads its seed as a signed 32-bit integer; `| 0` keeps the bits.
  const rng = xoroshiro128plus(seed | 0);
  return { seed, rng, next: () => uniformFloat64(rng) };
}

/** Replaces Math.random with a generator for label `Math.random`, and puts it back. */
export function deterministicMathRandom(root: number): { install(): void; restore(): void } {
  const original = Math.random;
  let installed = false;
  return {
    install() {
      if (installed) return;
      const generator = seededGenerator(root, "Math.random");
      Math.random = generator.next;
      installed = true;
    },
    restore() {
      if (!installed) return;
      Math.random = original;
      installed = false;
    },
  };
}
