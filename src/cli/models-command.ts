import { userInfo } from "node:os";
import { Command } from "commander";
import { parseModelRef } from "../domain/model-ref.js";
import type { AliasMove } from "../domain/registered-model.js";
import { ModelsApi } from "../sdk/models-api.js";
import { parsePositiveInt } from "./cli-arguments.js";
import { apiFor } from "./cli-context.js";
import { formatMetric, formatTime, printJson, printLine, renderTable } from "./output.js";

/** Who moves an alias, for its history. */
export function currentUser(): string {
  const fromEnv = process.env.LOCKSTEP_USER || process.env.USER || process.env.USERNAME;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

function describeMove(move: AliasMove): string {
  const was = move.fromVersion === null ? "new" : `was ${move.fromVersion}`;
  return `${move.name}@${move.alias} -> ${move.toVersion} (${was})`;
}

/** `lockstep models register|list|versions|alias|rollback|get`. */
export function modelsCommand(): Command {
  const models = new Command("models").description(
    "the model registry: versions, aliases, downloads",
  );
  const client = (command: Command) => new ModelsApi(apiFor(command));

  models
    .command("register")
    .description("register the files at an artifact path of a run as the model's next version")
    .argument("<name>", "the model's name (created on its first version)")
    .requiredOption("--run <run>", "the run whose artifacts to register")
    .requiredOption("--path <artifact-path>", 'an artifact file or folder of the run ("" for all)')
    .option("-m, --description <text>", "a description of the version")
    .action(
      async (
        name: string,
        options: { run: string; path: string; description?: string },
        command: Command,
      ) => {
        const version = await client(command).register(name, {
          runId: options.run,
          path: options.path,
          userId: currentUser(),
          ...(options.description ? { description: options.description } : {}),
        });
        printLine(String(version.version));
      },
    );

  models
    .command("list")
    .description("list models with their aliases and latest versions")
    .option("--json", "print a JSON array of models")
    .action(async (options: { json?: boolean }, command: Command) => {
      const found = await client(command).list();
      if (options.json) return printJson(found);
      const rows = found.map((m) => [
        m.name,
        m.latestVersion === null ? "-" : String(m.latestVersion),
        Object.entries(m.aliases)
          .map(([alias, v]) => `${alias}=${v}`)
          .join(" "),
        formatTime(m.updatedAt),
      ]);
      printLine(renderTable(["NAME", "LATEST", "ALIASES", "UPDATED"], rows));
    });

  models
    .command("versions")
    .description("list a model's versions, newest first, with their source runs' metrics")
    .argument("<name>", "the model's name")
    .option("--json", "print a JSON array of versions")
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const versions = await client(command).versions(name);
      if (options.json) {
        return printJson(
          versions.map((v) => ({
            version: v.version,
            runId: v.runId,
            digest: v.digest,
            aliases: v.aliases,
            createdAt: new Date(v.createdAt).toISOString(),
            metrics: v.runMetrics ?? {},
          })),
        );
      }
      const rows = versions.map((v) => [
        String(v.version),
        v.aliases.join(" "),
        v.runId,
        v.digest.replace(/^sha256:/, "").slice(0, 12),
        formatTime(v.createdAt),
        Object.entries(v.runMetrics ?? {})
          .slice(0, 3)
          .map(([k, value]) => `${k}=${formatMetric(value)}`)
          .join(" "),
      ]);
      printLine(renderTable(["VERSION", "ALIASES", "RUN", "DIGEST", "CREATED", "METRICS"], rows));
    });

  models
    .command("alias")
    .description("point an alias at a version (every move is kept)")
    .argument("<name>", "the model's name")
    .argument("<alias>", "e.g. production")
    .argument("<version>", "the version number", parsePositiveInt)
    .action(
      async (name: string, alias: string, version: number, _options: unknown, command: Command) => {
        const move = await client(command).setAlias(name, alias, version, currentUser());
        printLine(move ? describeMove(move) : `${name}@${alias} -> ${version} (unchanged)`);
      },
    );

  models
    .command("rollback")
    .description("move an alias back to the version it pointed at before its last move")
    .argument("<name>", "the model's name")
    .argument("<alias>", "e.g. production")
    .action(async (name: string, alias: string, _options: unknown, command: Command) => {
      printLine(describeMove(await client(command).rollback(name, alias, currentUser())));
    });

  models
    .command("get")
    .description("download a version's files into a folder, verified")
    .argument("<modelref>", "models:/NAME@ALIAS or models:/NAME/VERSION")
    .argument("<dir>", "the folder to write into")
    .action(async (ref: string, dir: string, _options: unknown, command: Command) => {
      parseModelRef(ref);
      const api = client(command);
      const version = await api.resolve(ref);
      const files = await api.download(version, dir);
      printLine(
        `${version.name} v${version.version}: ${files.length} file${files.length === 1 ? "" : "s"} -> ${dir}`,
      );
    });

  return models;
}
