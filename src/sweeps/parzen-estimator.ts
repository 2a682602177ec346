import { logSumExp, normalCdf, normalLogPdf, standardNormal } from "./normal-math.js";
import type { Uniform } from "./random-sampler.js";

/**
 * Optuna's weights for observations in trial order: all 1 up to 25, then a
 * ramp from 1/n to 1 over the older ones so recent trials count more.
 */
export function observationWeights(n: number): number[] {
  if (n < 25) return Array.from({ length: n }, () => 1);
  const ramp = n - 25;
  const weights = Array.from({ length: ramp }, (_, i) =>
    ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1),
  );
  return [...weights, ...Array.from({ length: 25 }, () => 1)];
}

function mixtureWeights(n: number, priorWeight: number): number[] {
  const raw = [...observationWeights(n), priorWeight];
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / total);
}

function pickComponent(weights: readonly number[], next: Uniform): number {
  let u = next();
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i] as number;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** A mixture of normals truncated to [low, high], one per observation plus a wide prior. */
export interface NumericParzen {
  low: number;
  high: number;
  mus: number[];
  sigmas: number[];
  weights: number[];
  /** log of each component's mass inside [low, high]. */
  logMass: number[];
}

/**
 * Optuna's univariate estimator: each observation's bandwidth is the larger
 * gap to its neighbours (the ends use their inner gap), clipped to
 * [range / min(100, n + 1), range]; the prior sits mid-range with the range's width.
 */
export function numericParzen(observations: number[], low: number, high: number): NumericParzen {
  const n = observations.length;
  const span = high - low;
  const order = observations
    .map((_, i) => i)
    .sort((a, b) => (observations[a] as number) - (observations[b] as number));
  const sorted = order.map((i) => observations[i] as number);
  const withEnds = [low, ...sorted, high];
  const sortedSigmas = sorted.map((mu, i) =>
    Math.max(mu - (withEnds[i] as number), (withEnds[i + 2] as number) - mu),
  );
  if (n >= 2) {
    sortedSigmas[0] = (sorted[1] as number) - (sorted[0] as number);
    sortedSigmas[n - 1] = (sorted[n - 1] as number) - (sorted[n - 2] as number);
  }
  const minSigma = span / Math.min(100, n + 1);
  const sigmas = new Array<number>(n);
  order.forEach((original, rank) => {
    sigmas[original] = Math.min(Math.max(sortedSigmas[rank] as number, minSigma), span);
  });
  const mus = [...observations, low + span / 2];
  sigmas.push(span);
  const logMass = mus.map((mu, i) => {
    const s = sigmas[i] as number;
    return Math.log(Math.max(normalCdf((high - mu) / s) - normalCdf((low - mu) / s), 1e-300));
  });
  return { low, high, mus, sigmas, weights: mixtureWeights(n, 1), logMass };
}

export function sampleNumeric(p: NumericParzen, next: Uniform): number {
  const k = pickComponent(p.weights, next);
  const mu = p.mus[k] as number;
  const sigma = p.sigmas[k] as number;
  // Rejection: with sigma at most the range and mu inside it, a third of draws land.
  for (let tries = 0; tries < 1000; tries++) {
    const x = mu + sigma * standardNormal(next);
    if (x >= p.low && x <= p.high) return x;
  }
  return Math.min(Math.max(mu, p.low), p.high);
}

export function numericLogPdf(p: NumericParzen, x: number): number {
  return logSumExp(
    p.mus.map(
      (mu, k) =>
        Math.log(p.weights[k] as number) +
        normalLogPdf(x, mu, p.sigmas[k] as number) -
        (p.logMass[k] as number),
    ),
  );
}

/**
 * Optuna's categorical estimator: each observation is a kernel putting weight
 * 1 on its choice plus prior/(n+1) on every choice; the prior kernel is
 * uniform. Returns the mixture's probability of each choice.
 */
export function categoricalParzen(observations: number[], choices: number): number[] {
  const n = observations.length;
  const weights = mixtureWeights(n, 1);
  const fill = 1 / (n + 1);
  const probs = new Array<number>(choices).fill(0);
  observations.forEach((choice, k) => {
    const total = fill * choices + 1;
    for (let c = 0; c < choices; c++) {
      probs[c] =
        (probs[c] as number) + ((weights[k] as number) * (fill + (c === choice ? 1 : 0))) / total;
    }
  });
  for (let c = 0; c < choices; c++)
    probs[c] = (probs[c] as number) + (weights[n] as number) / choices;
  return probs;
}

export function sampleCategorical(probs: readonly number[], next: Uniform): number {
  return pickComponent(probs, next);
}
