/**
 * TPE against random search with the same budget, on two standard test
 * functions, across 20 sweep seeds: the median best value each finds, the
 * fraction of seeds where TPE ends lower, and what a proposal costs (random
 * sampling is the baseline). Samplers only, in-process; no server.
 */
import {
  BRANIN,
  HARTMANN6,
  median,
  simulateSweep,
  type TestFunction,
} from "./support/sweep-test-functions.js";

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const TRIALS = 100;

function compare(fn: TestFunction): void {
  const random: number[] = [];
  const tpe: number[] = [];
  let randomMs = 0;
  let tpeMs = 0;
  let wins = 0;
  for (const seed of SEEDS) {
    let t0 = performance.now();
    const r = simulateSweep({ fn, method: "random", seed, trials: TRIALS });
    randomMs += performance.now() - t0;
    t0 = performance.now();
    const t = simulateSweep({ fn, method: "tpe", seed, trials: TRIALS });
    tpeMs += performance.now() - t0;
    random.push(r);
    tpe.push(t);
    if (t < r) wins++;
  }
  const perProposal = (ms: number) => (ms / (SEEDS.length * TRIALS)).toFixed(3);
  console.log(
    `${fn.name} (optimum ${fn.optimum}), ${TRIALS} trials, ${SEEDS.length} seeds: ` +
      `median best tpe ${median(tpe).toFixed(4)} vs random ${median(random).toFixed(4)}; ` +
      `tpe wins on ${wins}/${SEEDS.length} seeds (${((100 * wins) / SEEDS.length).toFixed(0)}%)`,
  );
  console.log(
    `  cost per proposal: tpe ${perProposal(tpeMs)} ms vs random ${perProposal(randomMs)} ms`,
  );
}

compare(BRANIN);
compare(HARTMANN6);
