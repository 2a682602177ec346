import type BetterSqlite3 from "better-sqlite3";
import { NotFoundError } from "../../domain/errors.js";
import type { KyselyArtifactReads } from "../kysely/artifact-reads.js";
import type { ArtifactEntry, ArtifactIndex } from "../metadata-store.js";

export class SqliteArtifactIndex implements ArtifactIndex {
  private readonly runExists: BetterSqlite3.Statement;
  private readonly upsert: BetterSqlite3.Statement;
  private readonly remove: BetterSqlite3.Statement;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly reads: KyselyArtifactReads,
  ) {
    this.runExists = db.prepare("select 1 from runs where run_id = ?").pluck();
    this.upsert = db.prepare(
      `insert into artifacts (run_id, path, digest, size, created_at) values (?, ?, ?, ?, ?)
       on conflict (run_id, path) do update
         set digest = excluded.digest, size = excluded.size, created_at = excluded.created_at`,
    );
    this.remove = db.prepare("delete from artifacts where run_id = ? and path = ?");
  }

  async put(entry: ArtifactEntry): Promise<void> {
    this.db
      .transaction(() => {
        if (!this.runExists.get(entry.runId)) {
          throw new NotFoundError(`run ${entry.runId} not found`);
        }
        this.upsert.run(entry.runId, entry.path, entry.digest, entry.size, entry.createdAt);
      })
      .immediate();
  }

  get(runId: string, path: string): Promise<ArtifactEntry | undefined> {
    return this.reads.get(runId, path);
  }

  listUnder(runId: string, folder: string): Promise<ArtifactEntry[]> {
    return this.reads.listUnder(runId, folder);
  }

  async delete(runId: string, path: string): Promise<boolean> {
    return this.remove.run(runId, path).changes > 0;
  }

  digests(): AsyncIterable<string> {
    return this.reads.digests();
  }
}
