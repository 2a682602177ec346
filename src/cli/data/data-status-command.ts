import { Command } from "commander";
import { statusAgainst } from "../../blobs/manifest/manifest-status.js";
import { apiFor } from "../cli-context.js";
import { printJson, printLine } from "../output.js";
import { formatBytes } from "./data-format.js";
import { versionWithManifest } from "./data-inspect-commands.js";
import { statCachePathFor } from "./stat-cache-path.js";

/** `lockstep data status REF PATH`: what changed on disk since that version. */
export function dataStatusCommand(): Command {
  return new Command("status")
    .description("what changed in a file or folder since a version was recorded")
    .argument("<ref>", "the version to compare against")
    .argument("<path>", "the file or folder on disk")
    .option("--json", "print the changes as JSON")
    .action(async (ref: string, path: string, options: { json?: boolean }, command: Command) => {
      const { version, manifest } = await versionWithManifest(apiFor(command), ref);
      const status = await statusAgainst(manifest, path, { statCachePath: statCachePathFor(path) });
      if (options.json) {
        printJson({
          name: version.name,
          version: version.version,
          digest: version.digest,
          clean: status.modified.length + status.added.length + status.deleted.length === 0,
          unchanged: status.unchanged.length,
          modified: status.modified,
          added: status.added,
          deleted: status.deleted,
        });
        return;
      }
      for (const f of status.modified) {
        const what = f.contentChanged
          ? `${formatBytes(f.oldSize)} -> ${formatBytes(f.newSize)}`
          : "mode only";
        printLine(`modified  ${f.path} (${what})`);
      }
      for (const f of status.deleted) printLine(`deleted   ${f.path} (${formatBytes(f.size)})`);
      for (const f of status.added) printLine(`added     ${f.path} (${formatBytes(f.size)})`);
      const changed = status.modified.length + status.deleted.length + status.added.length;
      if (changed === 0) {
        printLine(
          `clean: ${status.unchanged.length} files as in ${version.name}@${version.version}`,
        );
      }
    });
}
