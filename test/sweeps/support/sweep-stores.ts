import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, postgresAvailable } from "../../support/postgres.js";

/** A store URL for one test file, and how to clean it up. */
export interface StoreTarget {
  name: "sqlite" | "postgres";
  open(): Promise<{ url: string; cleanup(): Promise<void> }>;
}

/** SQLite always; PostgreSQL when it answers (in CI a missing PostgreSQL fails the suite). */
export async function storeTargets(): Promise<StoreTarget[]> {
  const sqlite: StoreTarget = {
    name: "sqlite",
    async open() {
      const dir = mkdtempSync(join(tmpdir(), "lockstep-sweep-"));
      return {
        url: `sqlite:${join(dir, "lockstep.db")}`,
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  };
  const postgres: StoreTarget = {
    name: "postgres",
    async open() {
      const db = await createTestDatabase();
      return { url: db.url, cleanup: db.drop };
    },
  };
  return (await postgresAvailable()) ? [sqlite, postgres] : [sqlite];
}
