import { Command } from "commander";
import { diffManifests } from "../../blobs/manifest/diff-manifests.js";
import type { LockstepApi } from "../../sdk/api-client.js";
import {
  type DatasetVersionInfo,
  getDatasetManifest,
  listDatasetVersions,
  resolveDatasetRef,
} from "../../sdk/api-datasets.js";
import { apiFor } from "../cli-context.js";
import { printJson, printLine, renderTable } from "../output.js";
import { formatBytes, versionJson } from "./data-format.js";

/** `lockstep data versions NAME`. */
export function dataVersionsCommand(): Command {
  return new Command("versions")
    .description("list a dataset's versions, oldest first")
    .argument("<name>", "the dataset")
    .option("--json", "print a JSON array of versions")
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const versions = await listDatasetVersions(apiFor(command).http, name);
      if (options.json) {
        printJson(versions.map(versionJson));
        return;
      }
      const rows = versions.map((v) => [
        v.version,
        v.digest.slice(0, 19),
        v.createdAt,
        String(v.files),
        formatBytes(v.size),
        v.message ?? "",
      ]);
      printLine(renderTable(["VERSION", "DIGEST", "CREATED", "FILES", "SIZE", "MESSAGE"], rows));
    });
}

/** `lockstep data show REF`. */
export function dataShowCommand(): Command {
  return new Command("show")
    .description("show one version and its files")
    .argument("<ref>", "NAME, NAME@vN, NAME@<digest prefix> or NAME@<date or time>")
    .option("--json", "print the version and its manifest as JSON")
    .action(async (ref: string, options: { json?: boolean }, command: Command) => {
      const { version, manifest } = await versionWithManifest(apiFor(command), ref);
      if (options.json) {
        printJson({
          name: version.name,
          ...versionJson(version),
          source: version.source,
          manifest,
        });
        return;
      }
      printLine(`${version.name}@${version.version}  ${version.digest}`);
      printLine(`created  ${version.createdAt}`);
      if (version.message) printLine(`message  ${version.message}`);
      if (version.source) printLine(`source   ${version.source}`);
      printLine(`files    ${version.files} (${formatBytes(version.size)})`);
      printLine();
      const rows = manifest.files.map((f) => [
        f.mode.toString(8).padStart(4, "0"),
        formatBytes(f.size),
        f.path,
      ]);
      printLine(renderTable(["MODE", "SIZE", "PATH"], rows));
    });
}

/** `lockstep data diff REF_A REF_B`. */
export function dataDiffCommand(): Command {
  return new Command("diff")
    .description("files added, removed and changed from one version to another")
    .argument("<ref-a>", "the older version")
    .argument("<ref-b>", "the newer version")
    .option("--json", "print the differences as JSON")
    .action(async (refA: string, refB: string, options: { json?: boolean }, command: Command) => {
      const api = apiFor(command);
      const [a, b] = await Promise.all([
        versionWithManifest(api, refA),
        versionWithManifest(api, refB),
      ]);
      const diff = diffManifests(a.manifest, b.manifest);
      if (options.json) {
        const side = (v: DatasetVersionInfo) => ({
          name: v.name,
          version: v.version,
          digest: v.digest,
        });
        printJson({ from: side(a.version), to: side(b.version), ...diff });
        return;
      }
      for (const f of diff.added) printLine(`added    ${f.path} (${formatBytes(f.size)})`);
      for (const f of diff.removed) printLine(`removed  ${f.path} (${formatBytes(f.size)})`);
      for (const f of diff.changed) {
        const what = f.contentChanged
          ? `${formatBytes(f.oldSize)} -> ${formatBytes(f.newSize)}`
          : "mode only";
        printLine(`changed  ${f.path} (${what})`);
      }
      const total = diff.added.length + diff.removed.length + diff.changed.length;
      if (total === 0) printLine("no differences");
    });
}

/** A version and its manifest, by reference. */
export async function versionWithManifest(api: LockstepApi, ref: string) {
  const version = await resolveDatasetRef(api.http, ref);
  const manifest = await getDatasetManifest(api.http, version.name, version.digest);
  return { version, manifest };
}
