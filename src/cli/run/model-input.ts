import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunIo } from "../../domain/run.js";
import type { LockstepApi } from "../../sdk/api-client.js";
import { ModelsApi } from "../../sdk/models-api.js";

/**
 * For `lockstep run --model MODELREF`: resolves the reference, downloads the
 * version's pinned files (verified) into `cacheDir/<version digest>` — reused
 * when already complete — and returns the folder for LOCKSTEP_MODEL_DIR and
 * the input to record on the run.
 */
export async function resolveModelForRun(
  api: LockstepApi,
  ref: string,
  cacheDir: string,
): Promise<{ dir: string; io: RunIo }> {
  const models = new ModelsApi(api);
  const version = await models.resolve(ref);
  const dir = join(cacheDir, version.digest.replace(/^sha256:/, ""));
  // The marker sits beside the folder so the command sees only the model's files.
  const complete = `${dir}.complete`;
  if (!existsSync(complete)) {
    const partial = `${dir}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    try {
      await models.download(version, partial);
      await rm(dir, { recursive: true, force: true });
      await rename(partial, dir);
      await writeFile(complete, `${version.name}/${version.version}\n`);
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      throw error;
    }
  }
  return {
    dir,
    io: {
      kind: "model",
      name: version.name,
      version: String(version.version),
      digest: version.digest,
      context: "inference",
    },
  };
}
