import { randomInt } from "node:crypto";
import { BadRequestError } from "../domain/errors.js";

// Apart from seeds.ts so that `lockstep run`, which only draws and checks a
// root seed before starting its command, does not load pure-rand on the way.

/** Largest root or derived seed: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffff_ffff;

export function isValidSeed(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_SEED;
}

/** Checks a seed that came from a user (flag, SDK option) and returns it. */
export function parseSeed(value: unknown): number {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (!isValidSeed(n)) {
    throw new BadRequestError(
      `Invalid seed ${JSON.stringify(value)}: expected an integer from 0 to ${MAX_SEED}`,
    );
  }
  return n;
}

/** A root seed from the operating system's CSPRNG, for runs started without one. */
export function drawRootSeed(): number {
  // randomInt's upper bound is exclusive and must stay below 2^48.
  return randomInt(0, MAX_SEED + 1);
}
