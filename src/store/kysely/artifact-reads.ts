import type { Kysely } from "kysely";
import type { Database } from "../database.js";
import type { ArtifactEntry } from "../metadata-store.js";

type ArtifactRow = Database["artifacts"];

function rowToEntry(row: ArtifactRow): ArtifactEntry {
  return {
    runId: row.run_id,
    path: row.path,
    digest: row.digest,
    size: row.size,
    createdAt: row.created_at,
  };
}

/** The read side of ArtifactIndex; both adapters read through Kysely. */
export class KyselyArtifactReads {
  constructor(private readonly db: Kysely<Database>) {}

  async get(runId: string, path: string): Promise<ArtifactEntry | undefined> {
    const row = await this.db
      .selectFrom("artifacts")
      .selectAll()
      .where("run_id", "=", runId)
      .where("path", "=", path)
      .executeTakeFirst();
    return row && rowToEntry(row);
  }

  async listUnder(runId: string, folder: string): Promise<ArtifactEntry[]> {
    const prefix = folder.replace(/\/+$/, "");
    let q = this.db.selectFrom("artifacts").selectAll().where("run_id", "=", runId);
    if (prefix !== "") {
      // A prefix compare rather than LIKE (paths may hold `%` and `_`) or a
      // range (PostgreSQL's locale collations do not order "/" bytewise).
      const under = `${prefix}/`;
      q = q.where((eb) =>
        eb.or([
          eb("path", "=", prefix),
          eb(eb.fn("substr", [eb.ref("path"), eb.val(1), eb.val([...under].length)]), "=", under),
        ]),
      );
    }
    const rows = await q.orderBy("path").execute();
    return rows.map(rowToEntry);
  }

  async *digests(): AsyncIterable<string> {
    // Paged by digest so a large index is never held in memory at once.
    let after: string | undefined;
    for (;;) {
      let q = this.db.selectFrom("artifacts").select("digest").distinct().orderBy("digest");
      if (after !== undefined) q = q.where("digest", ">", after);
      const rows = await q.limit(1000).execute();
      for (const row of rows) yield row.digest;
      const last = rows.at(-1);
      if (!last || rows.length < 1000) return;
      after = last.digest;
    }
  }
}
