import type { MissingItem } from "../../domain/reproduction/reproduction-report.js";
import type { RunIo } from "../../domain/run.js";
import type { LockstepApi } from "../../sdk/api-client.js";
import { getDatasetManifest, missingBlobs } from "../../sdk/api-datasets.js";
import { LockstepApiError } from "../../sdk/lockstep-api-error.js";

export interface RebuiltInputs {
  /** `--data` references naming each recorded version by its full digest. */
  data: string[];
  /** A `models:/NAME/VERSION` reference, when the run used a registered model. */
  model?: string;
  missing: MissingItem[];
}

/**
 * Checks that every dataset version the run read is still on the server,
 * with every blob its manifest names, before anything runs: a reproduction
 * must not quietly use a local cache of data the server has lost. The
 * command gets each version through the same `--data` path as `lockstep run`.
 */
export async function rebuildInputs(api: LockstepApi, inputs: RunIo[]): Promise<RebuiltInputs> {
  const result: RebuiltInputs = { data: [], missing: [] };
  for (const io of inputs) {
    if (io.kind === "model") {
      result.model = `models:/${io.name}/${io.version}`;
      continue;
    }
    const label = `dataset ${io.name} ${io.version} (${io.digest})`;
    let manifest: Awaited<ReturnType<typeof getDatasetManifest>>;
    try {
      manifest = await getDatasetManifest(api.http, io.name, io.digest);
    } catch (error) {
      if (!(error instanceof LockstepApiError) || error.status !== 404) throw error;
      result.missing.push({ factor: "data", item: label, detail: "the version is gone" });
      continue;
    }
    const fileOf = new Map<string, string>();
    for (const file of manifest.files) {
      for (const chunk of file.chunks)
        if (!fileOf.has(chunk.digest)) fileOf.set(chunk.digest, file.path);
    }
    for (const digest of await missingBlobs(api.http, [...fileOf.keys()])) {
      result.missing.push({
        factor: "data",
        item: `blob ${digest}`,
        detail: `the server lacks it; ${label} needs it for ${fileOf.get(digest)}`,
      });
    }
    result.data.push(`${io.name}@${io.digest.replace(/^sha256:/, "")}`);
  }
  return result;
}
