import { join } from "node:path";
import type { RunIo } from "../../domain/run.js";
import type { RunOptions } from "./run-options.js";

/** What `--data` and `--model` add to a run: variables for the command and inputs to record. */
export interface RunInputs {
  env: Record<string, string>;
  io: RunIo[];
}

/**
 * Resolves and fetches every `--data` and `--model` reference before the run
 * is created, so a bad reference fails with nothing stored. Versions come from
 * the local cache when already there.
 */
export async function resolveRunInputs(
  trackingUri: string,
  options: RunOptions,
): Promise<RunInputs> {
  if (options.data.length === 0 && options.model === undefined) return { env: {}, io: [] };
  const [{ LockstepApi }, { resolveDatasetForRun }, { resolveModelForRun }, { defaultCacheDir }] =
    await Promise.all([
      import("../../sdk/api-client.js"),
      import("./dataset-input.js"),
      import("./model-input.js"),
      import("../../sdk/data/dataset-cache.js"),
    ]);
  const api = new LockstepApi({ baseUrl: trackingUri });
  const cacheDir = defaultCacheDir();
  const env: Record<string, string> = {};
  const io: RunIo[] = [];
  for (const ref of options.data) {
    const dataset = await resolveDatasetForRun(api, ref, cacheDir);
    const taken = env[dataset.envName];
    if (taken !== undefined && taken !== dataset.dir) {
      throw new Error(`--data ${ref}: another version of the same dataset is already given`);
    }
    env[dataset.envName] = dataset.dir;
    io.push(dataset.io);
  }
  if (options.model !== undefined) {
    const model = await resolveModelForRun(api, options.model, join(cacheDir, "models"));
    env.LOCKSTEP_MODEL_DIR = model.dir;
    io.push(model.io);
  }
  return { env, io };
}

/** Records the resolved inputs on the run. */
export async function recordRunInputs(
  trackingUri: string,
  runId: string,
  io: RunIo[],
): Promise<void> {
  if (io.length === 0) return;
  const [{ LockstepApi }, { recordRunIo }] = await Promise.all([
    import("../../sdk/api-client.js"),
    import("../../sdk/api-datasets.js"),
  ]);
  await recordRunIo(new LockstepApi({ baseUrl: trackingUri }).http, runId, { inputs: io });
}
