import { Command } from "commander";
import { addDatasetVersion } from "../../sdk/data/add-dataset-version.js";
import { apiFor } from "../cli-context.js";
import { printJson, printLine } from "../output.js";
import { versionJson, versionLine } from "./data-format.js";
import { phaseProgress } from "./data-progress.js";
import { statCachePathFor } from "./stat-cache-path.js";

const PHASE_NAMES = { hash: "hashing", upload: "uploading" } as const;

/** `lockstep data add NAME PATH [-m MESSAGE]`. */
export function dataAddCommand(): Command {
  return new Command("add")
    .description("add a file or folder as a new immutable version of a dataset")
    .argument("<name>", "the dataset")
    .argument("<path>", "a file or a folder")
    .option("-m, --message <message>", "what this version is")
    .option("--json", "print the version and what was uploaded as JSON")
    .action(
      async (
        name: string,
        path: string,
        options: { message?: string; json?: boolean },
        command: Command,
      ) => {
        const api = apiFor(command);
        const progress = phaseProgress();
        let result: Awaited<ReturnType<typeof addDatasetVersion>>;
        try {
          result = await addDatasetVersion(api.http, name, path, {
            ...(options.message !== undefined ? { message: options.message } : {}),
            statCachePath: statCachePathFor(path),
            onProgress: (p) => progress.update(PHASE_NAMES[p.phase], p.bytesDone, p.bytesTotal),
          });
        } finally {
          progress.stop();
        }
        if (options.json) {
          printJson({
            ...versionJson(result.version),
            created: result.created,
            chunks: result.chunks,
            uploadedChunks: result.uploadedChunks,
            uploadedBytes: result.uploadedBytes,
          });
          return;
        }
        printLine(versionLine(result.version));
        if (!result.created) {
          process.stderr.write(
            `unchanged: the content equals ${name}@${result.version.version}; no new version was made\n`,
          );
        }
      },
    );
}
