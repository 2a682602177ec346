import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type RunningServer, startServer } from "../../../src/server/start-server.js";
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

/**
 * A real server on `target`'s store for the enclosing describe block: started
 * before its tests, closed and cleaned up after. Read `url` inside tests.
 */
export function serverOnTarget(target: StoreTarget): { readonly url: string } {
  let server: RunningServer | undefined;
  let cleanupStore: (() => Promise<void>) | undefined;
  const blobs = mkdtempSync(join(tmpdir(), "lockstep-sweep-blobs-"));
  beforeAll(async () => {
    const db = await target.open();
    cleanupStore = db.cleanup;
    server = await startServer({ host: "127.0.0.1", port: 0, storeUrl: db.url, blobsUrl: blobs });
  });
  afterAll(async () => {
    await server?.close();
    await cleanupStore?.();
    rmSync(blobs, { recursive: true, force: true });
  });
  return {
    get url() {
      if (!server) throw new Error("the server starts in beforeAll");
      return server.url;
    },
  };
}
