import type BetterSqlite3 from "better-sqlite3";
import type { AliasMove, AliasMoveKind } from "../../domain/registered-model.js";
import { historyRowToMove } from "../kysely/model-registry-reads.js";
import type { AliasWrite, NewModelVersion } from "../model-registry-store.js";
import type { ModelAliasHistoryTable } from "../model-registry-tables.js";

type Sqlite = BetterSqlite3.Database;

function one<T>(db: Sqlite, sql: string, ...params: unknown[]): T | undefined {
  return db.prepare(sql).get(...params) as T | undefined;
}

function run(db: Sqlite, sql: string, ...params: unknown[]): number {
  return db.prepare(sql).run(...params).changes;
}

/** The rows of a new version (its files, tags and the run's output); call inside a transaction. */
export function insertVersionRows(db: Sqlite, input: NewModelVersion, v: number): void {
  run(
    db,
    `insert into model_versions (name, version, run_id, source_path, source, digest, description,
           status, stage, user_id, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, 'READY', 'None', ?, ?, ?)`,
    input.name,
    v,
    input.runId,
    input.sourcePath,
    input.source,
    input.digest,
    input.description,
    input.userId,
    input.now,
    input.now,
  );
  const file = db.prepare(
    "insert into model_version_files (name, version, path, digest, size) values (?, ?, ?, ?, ?)",
  );
  for (const f of input.files) file.run(input.name, v, f.path, f.digest, f.size);
  for (const [key, value] of Object.entries(input.tags)) {
    run(
      db,
      "insert into model_version_tags (name, version, key, value) values (?, ?, ?, ?)",
      input.name,
      v,
      key,
      value,
    );
  }
  run(
    db,
    `insert into run_io (run_id, direction, kind, name, version, digest, context)
         values (?, 'output', 'model', ?, ?, ?, 'registered') on conflict do nothing`,
    input.runId,
    input.name,
    String(v),
    input.digest,
  );
}

export function currentAlias(db: Sqlite, name: string, alias: string): number | null {
  const row = one<{ version: number }>(
    db,
    "select version from model_aliases where name = ? and alias = ?",
    name,
    alias,
  );
  return row ? Number(row.version) : null;
}

/** Points (or removes) the alias and appends the move to its history; call inside a transaction. */
export function moveAlias(
  db: Sqlite,
  input: AliasWrite,
  to: number | null,
  kind: AliasMoveKind,
): AliasMove {
  const from = currentAlias(db, input.name, input.alias);
  if (to === null) {
    run(db, "delete from model_aliases where name = ? and alias = ?", input.name, input.alias);
  } else {
    run(
      db,
      `insert into model_aliases (name, alias, version) values (?, ?, ?)
         on conflict (name, alias) do update set version = excluded.version`,
      input.name,
      input.alias,
      to,
    );
  }
  const last = one<{ seq: number | null }>(
    db,
    "select max(seq) as seq from model_alias_history where name = ? and alias = ?",
    input.name,
    input.alias,
  );
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
  run(
    db,
    `insert into model_alias_history (name, alias, seq, from_version, to_version, kind, user_id, at)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
    row.name,
    row.alias,
    row.seq,
    row.from_version,
    row.to_version,
    row.kind,
    row.user_id,
    row.at,
  );
  return historyRowToMove(row);
}
