import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, postgresAvailable } from "../../../test/support/postgres.js";
import { openStore } from "../open-store.js";
import { describeStore } from "../store-contract.js";
import { newRun } from "../store-contract-fixtures.js";

// In CI an unreachable PostgreSQL throws here, failing the file instead of skipping it.
const available = await postgresAvailable();

describe.skipIf(!available)("postgres", () => {
  let database: { url: string; drop: () => Promise<void> } | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  const url = () => {
    if (!database) throw new Error("test database not created");
    return database.url;
  };

  // One database per file; each test opens its own store (and pool) on it.
  describeStore("postgres", () => openStore(url()));

  it("accepts the postgresql:// scheme and returns bigints as numbers", async () => {
    const store = await openStore(url().replace(/^postgres:/, "postgresql:"));
    try {
      expect(store.dialect).toBe("postgres");
      const e = await store.experiments.create({ name: "big-times", now: 2 ** 52 });
      expect((await store.experiments.get(e.id))?.creationTime).toBe(2 ** 52);
    } finally {
      await store.close();
    }
  });

  it("records deleted_time on delete and clears it on restore", async () => {
    const store = await openStore(url());
    const raw = new pg.Client({ connectionString: url() });
    await raw.connect();
    try {
      const { id } = await newRun(store, { experimentId: "0" });
      const deletedTime = async () =>
        (await raw.query("select deleted_time::text as t from runs where run_id = $1", [id]))
          .rows[0]?.t;
      await store.runs.setLifecycle(id, "deleted", 1234);
      expect(await deletedTime()).toBe("1234");
      await store.runs.setLifecycle(id, "active", 5678);
      expect(await deletedTime()).toBeNull();
    } finally {
      await raw.end();
      await store.close();
    }
  });
});
