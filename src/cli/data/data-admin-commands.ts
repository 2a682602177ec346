import { Command } from "commander";
import { collectGarbage, setDatasetRetention, verifyBlobs } from "../../sdk/api-datasets.js";
import { parsePositiveInt } from "../cli-arguments.js";
import { apiFor } from "../cli-context.js";
import { CliError, EXIT } from "../cli-errors.js";
import { printJson, printLine } from "../output.js";
import { formatBytes } from "./data-format.js";

/** `lockstep data verify`: the server re-hashes every stored blob. */
export function dataVerifyCommand(): Command {
  return new Command("verify")
    .description("re-hash every stored blob; fails if any is missing or corrupt")
    .option("--json", "print the report as JSON")
    .action(async (options: { json?: boolean }, command: Command) => {
      const report = await verifyBlobs(apiFor(command).http);
      if (options.json) printJson(report);
      else {
        for (const digest of report.missing) printLine(`missing  ${digest}`);
        for (const digest of report.corrupt) printLine(`corrupt  ${digest}`);
        printLine(`checked ${report.checked} blobs`);
      }
      const bad = report.missing.length + report.corrupt.length;
      if (bad > 0) {
        const first = [...report.corrupt, ...report.missing].slice(0, 3).join(", ");
        throw new CliError(
          `${report.missing.length} missing and ${report.corrupt.length} corrupt blobs (${first}${bad > 3 ? ", …" : ""})`,
          EXIT.failure,
        );
      }
    });
}

/** `lockstep data gc [--dry-run]`. */
export function dataGcCommand(): Command {
  return new Command("gc")
    .description("delete blobs that no version, run, model or retention rule reaches")
    .option("--dry-run", "only say what would be deleted")
    .option("--json", "print the report as JSON")
    .action(async (options: { dryRun?: boolean; json?: boolean }, command: Command) => {
      const report = await collectGarbage(apiFor(command).http, options.dryRun === true);
      if (options.json) {
        printJson(report);
        return;
      }
      const verb = options.dryRun ? "would delete" : "deleted";
      printLine(
        `${verb} ${report.deletedBlobs} blobs (${formatBytes(report.deletedBytes)}) and ${report.deletedVersions.length} versions; kept ${report.kept}`,
      );
    });
}

/** `lockstep data retention NAME --keep-last N | --keep-within-days N`. */
export function dataRetentionCommand(): Command {
  return new Command("retention")
    .description("let old unreferenced versions of a dataset go at the next gc")
    .argument("<name>", "the dataset")
    .option("--keep-last <n>", "keep the newest N versions", parsePositiveInt)
    .option("--keep-within-days <n>", "keep versions newer than N days", parsePositiveInt)
    .option("--clear", "keep every version again")
    .option("--json", "print the rule as JSON")
    .action(
      async (
        name: string,
        options: { keepLast?: number; keepWithinDays?: number; clear?: boolean; json?: boolean },
        command: Command,
      ) => {
        const given = options.keepLast !== undefined || options.keepWithinDays !== undefined;
        if (given === (options.clear === true)) {
          throw new CliError(
            "give --keep-last N and/or --keep-within-days N, or --clear",
            EXIT.usage,
          );
        }
        const rule = {
          ...(options.keepLast !== undefined ? { keepLast: options.keepLast } : {}),
          ...(options.keepWithinDays !== undefined
            ? { keepWithinDays: options.keepWithinDays }
            : {}),
        };
        const retention = await setDatasetRetention(apiFor(command).http, name, rule);
        if (options.json) {
          printJson(retention);
          return;
        }
        const parts = [
          retention.keepLast !== undefined ? `the last ${retention.keepLast} versions` : "",
          retention.keepWithinDays !== undefined
            ? `versions from the last ${retention.keepWithinDays} days`
            : "",
        ].filter(Boolean);
        printLine(`${name}: keeping ${parts.length > 0 ? parts.join(" and ") : "every version"}`);
      },
    );
}
