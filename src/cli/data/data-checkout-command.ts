import { stat } from "node:fs/promises";
import { Command } from "commander";
import { checkoutManifest } from "../../sdk/data/checkout-manifest.js";
import { cachedVersionDir, defaultCacheDir } from "../../sdk/data/dataset-cache.js";
import { apiFor } from "../cli-context.js";
import { printJson, printLine } from "../output.js";
import { formatBytes } from "./data-format.js";
import { versionWithManifest } from "./data-inspect-commands.js";
import { phaseProgress } from "./data-progress.js";

/** `lockstep data checkout REF DIR`. */
export function dataCheckoutCommand(): Command {
  return new Command("checkout")
    .description("write a version's files into a folder, verifying every chunk")
    .argument("<ref>", "NAME, NAME@vN, NAME@<digest prefix> or NAME@<date or time>")
    .argument("<dir>", "the folder to write into (created if missing)")
    .option("--json", "print what was written as JSON")
    .action(async (ref: string, dir: string, options: { json?: boolean }, command: Command) => {
      const api = apiFor(command);
      const { version, manifest } = await versionWithManifest(api, ref);
      // A copy in the local cache saves downloading; its chunks are re-hashed as they are read.
      const cached = cachedVersionDir(defaultCacheDir(), version.digest);
      const localSources = (await isDir(cached)) ? [cached] : [];
      const progress = phaseProgress();
      let result: Awaited<ReturnType<typeof checkoutManifest>>;
      try {
        result = await checkoutManifest(api.http, manifest, dir, {
          localSources,
          onProgress: (p) => progress.update("checkout", p.bytesDone, p.bytesTotal),
        });
      } finally {
        progress.stop();
      }
      if (options.json) {
        printJson({
          name: version.name,
          version: version.version,
          digest: version.digest,
          dir,
          ...result,
        });
        return;
      }
      printLine(
        `${version.name}@${version.version} ${version.digest} -> ${dir}: ${result.files} files, ${formatBytes(version.size)} (${result.unchanged} already there, ${formatBytes(result.downloadedBytes)} downloaded)`,
      );
    });
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
