import {
  deriveSeed,
  deterministicMathRandom,
  type SeededGenerator,
  seededGenerator,
} from "../capture/seeds.js";

/** The label whose derived seed drives Math.random while a run holds it. */
export const MATH_RANDOM_LABEL = "Math.random";

/**
 * The seeds one run hands out. Every derived seed is remembered by label so
 * that the run can record them (capture.seed.derived).
 */
export class RunSeeds {
  readonly root: number;
  private readonly derived = new Map<string, number>();
  /** Bumped on each new label, so the recorder knows when to send again. */
  private revision = 0;

  constructor(root: number) {
    this.root = root;
  }

  /**
   * A fresh generator for `label`. The same label always starts the same
   * stream, so asking twice gives two identical, independent generators.
   */
  random(label: string): SeededGenerator {
    if (typeof label !== "string") throw new TypeError("random(label): label must be a string");
    const generator = seededGenerator(this.root, label);
    this.remember(label, generator.seed);
    return generator;
  }

  /** @internal Records a seed derived elsewhere (Math.random's). */
  remember(label: string, seed: number): void {
    if (this.derived.get(label) === seed) return;
    this.derived.set(label, seed);
    this.revision++;
  }

  /** Every seed handed out so far, by label, in the order first asked for. */
  derivedSeeds(): Record<string, number> {
    return Object.fromEntries(this.derived);
  }

  get changes(): number {
    return this.revision;
  }
}

/** Math.random is process-wide: at most one run may make it deterministic at a time. */
let holder: string | undefined;

/** The run whose seeded Math.random is installed, if any. */
export function mathRandomHeldBy(): string | undefined {
  return holder;
}

/**
 * Replaces Math.random with the generator for `Math.random` under the run's
 * root seed; the returned function puts the original back. A second run asking
 * while another holds it is refused, since putting them back out of order
 * would leave a seeded Math.random installed after both runs ended.
 */
export function holdMathRandom(runId: string, seeds: RunSeeds): () => void {
  if (holder !== undefined) {
    throw new Error(
      `Math.random is already deterministic for run ${holder}; end that run first or start this one without deterministicMathRandom`,
    );
  }
  const replacement = deterministicMathRandom(seeds.root);
  replacement.install();
  holder = runId;
  // The seed deterministicMathRandom gave its generator.
  seeds.remember(MATH_RANDOM_LABEL, deriveSeed(seeds.root, MATH_RANDOM_LABEL));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    replacement.restore();
    holder = undefined;
  };
}
