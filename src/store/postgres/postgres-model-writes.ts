import type { Transaction } from "kysely";
import type { AliasMove, AliasMoveKind } from "../../domain/registered-model.js";
import type { Database } from "../database.js";
import { historyRowToMove } from "../kysely/model-registry-reads.js";
import type { AliasWrite, NewModelVersion } from "../model-registry-store.js";
import type { ModelAliasHistoryTable } from "../model-registry-tables.js";

export type Tx = Transaction<Database>;

/** The rows of a new version (its files, tags and the run's output), in the caller's transaction. */
export async function insertVersionRows(tx: Tx, input: NewModelVersion, v: number): Promise<void> {
  await tx
    .insertInto("model_versions")
    .values({
      name: input.name,
      version: v,
      run_id: input.runId,
      source_path: input.sourcePath,
      source: input.source,
      digest: input.digest,
      description: input.description,
      status: "READY",
      stage: "None",
      user_id: input.userId,
      created_at: input.now,
      updated_at: input.now,
    })
    .execute();
  for (let i = 0; i < input.files.length; i += 1000) {
    const files = input.files
      .slice(i, i + 1000)
      .map((f) => ({ name: input.name, version: v, ...f }));
    await tx.insertInto("model_version_files").values(files).execute();
  }
  const tags = Object.entries(input.tags).map(([key, value]) => ({
    name: input.name,
    version: v,
    key,
    value,
  }));
  if (tags.length > 0) await tx.insertInto("model_version_tags").values(tags).execute();
  await tx
    .insertInto("run_io")
    .values({
      run_id: input.runId,
      direction: "output",
      kind: "model",
      name: input.name,
      version: String(v),
      digest: input.digest,
      context: "registered",
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function currentAlias(tx: Tx, name: string, alias: string): Promise<number | null> {
  const row = await tx
    .selectFrom("model_aliases")
    .select("version")
    .where("name", "=", name)
    .where("alias", "=", alias)
    .executeTakeFirst();
  return row ? Number(row.version) : null;
}

/** Points (or removes) the alias and appends the move to its history. */
export async function moveAlias(
  tx: Tx,
  input: AliasWrite,
  to: number | null,
  kind: AliasMoveKind,
): Promise<AliasMove> {
  const from = await currentAlias(tx, input.name, input.alias);
  if (to === null) {
    await tx
      .deleteFrom("model_aliases")
      .where("name", "=", input.name)
      .where("alias", "=", input.alias)
      .execute();
  } else {
    await tx
      .insertInto("model_aliases")
      .values({ name: input.name, alias: input.alias, version: to })
      .onConflict((oc) => oc.columns(["name", "alias"]).doUpdateSet({ version: to }))
      .execute();
  }
  const last = await tx
    .selectFrom("model_alias_history")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("name", "=", input.name)
    .where("alias", "=", input.alias)
    .executeTakeFirst();
  const row: ModelAliasHistoryTable = {
    name: input.name,
    alias: input.alias,
    seq: Number(last?.seq ?? 0) + 1,
    from_version: from,
    to_version: to,
    kind,
    user_id: input.user,
    at: input.now,
  };
  await tx.insertInto("model_alias_history").values(row).execute();
  return historyRowToMove(row);
}
