import type { Kysely } from "kysely";
import type { Database } from "../database.js";
import type { KyselyArtifactReads } from "../kysely/artifact-reads.js";
import type { ArtifactEntry, ArtifactIndex } from "../metadata-store.js";
import { translatePostgres } from "./postgres-errors.js";

export class PostgresArtifactIndex implements ArtifactIndex {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly reads: KyselyArtifactReads,
  ) {}

  async put(entry: ArtifactEntry): Promise<void> {
    const row = {
      run_id: entry.runId,
      path: entry.path,
      digest: entry.digest,
      size: entry.size,
      created_at: entry.createdAt,
    };
    await translatePostgres(
      () =>
        this.db
          .insertInto("artifacts")
          .values(row)
          .onConflict((oc) =>
            oc.columns(["run_id", "path"]).doUpdateSet({
              digest: row.digest,
              size: row.size,
              created_at: row.created_at,
            }),
          )
          .execute(),
      { missing: `run ${entry.runId} not found` },
    );
  }

  get(runId: string, path: string): Promise<ArtifactEntry | undefined> {
    return this.reads.get(runId, path);
  }

  listUnder(runId: string, folder: string): Promise<ArtifactEntry[]> {
    return this.reads.listUnder(runId, folder);
  }

  async delete(runId: string, path: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("artifacts")
      .where("run_id", "=", runId)
      .where("path", "=", path)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  digests(): AsyncIterable<string> {
    return this.reads.digests();
  }
}
