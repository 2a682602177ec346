import { newRunId } from "../../../src/domain/ids.js";
import type { MetricPoint } from "../../../src/domain/metric.js";
import { openStore } from "../../../src/store/open-store.js";

/**
 * Writes straight into the store: the scale checks measure the UI and the read
 * path, and 10,000 runs through HTTP would spend the time budget on writes.
 */
export async function seedRuns(options: {
  storeUrl: string;
  experimentName: string;
  runs: number;
  keys: number;
}): Promise<{ experimentId: string }> {
  const store = await openStore(options.storeUrl);
  try {
    const now = Date.now();
    const experiment = await store.experiments.create({
      name: options.experimentName,
      artifactLocation: "lockstep-artifacts:/scale",
      now,
    });
    for (let i = 0; i < options.runs; i++) {
      const id = newRunId();
      const params: Record<string, string> = {};
      for (let k = 0; k < options.keys; k++) params[`p${k}`] = String((i * (k + 3)) % 97);
      await store.runs.create({
        id,
        experimentId: experiment.id,
        name: `run-${i}`,
        userId: "scale",
        status: "FINISHED",
        kind: "train",
        parentId: null,
        startTime: now - i * 1000,
        artifactUri: `lockstep-artifacts:/scale/${id}/artifacts`,
        tags: { "mlflow.runName": `run-${i}` },
        params,
      });
      const metrics: MetricPoint[] = [];
      for (let k = 0; k < options.keys; k++) {
        metrics.push({
          key: `m${k}`,
          value: ((i * 7919 + k * 104729) % 10007) / 10007,
          step: 0,
          timestamp: now,
        });
      }
      await store.runs.logBatch({ runId: id, metrics, params: {}, tags: {} });
    }
    return { experimentId: experiment.id };
  } finally {
    await store.close();
  }
}

/** One run holding `points` steps of one key, written in store-sized batches. */
export async function seedLongMetric(options: {
  storeUrl: string;
  experimentId: string;
  key: string;
  points: number;
}): Promise<string> {
  const store = await openStore(options.storeUrl);
  try {
    const id = newRunId();
    const now = Date.now();
    await store.runs.create({
      id,
      experimentId: options.experimentId,
      name: "long-metric",
      userId: "scale",
      status: "FINISHED",
      kind: "train",
      parentId: null,
      startTime: now,
      artifactUri: `lockstep-artifacts:/scale/${id}/artifacts`,
      tags: {},
      params: {},
    });
    const batch = 50_000;
    for (let start = 0; start < options.points; start += batch) {
      const metrics: MetricPoint[] = [];
      for (let step = start; step < Math.min(start + batch, options.points); step++) {
        metrics.push({
          key: options.key,
          value: Math.exp(-step / 200_000) + Math.sin(step / 500) * 0.05,
          step,
          timestamp: now + step,
        });
      }
      await store.runs.logBatch({ runId: id, metrics, params: {}, tags: {} });
    }
    return id;
  } finally {
    await store.close();
  }
}
