import { randomBytes } from "node:crypto";
import pg from "pg";

/** Where the test PostgreSQL listens; override with LOCKSTEP_TEST_PG. */
export const TEST_PG_ADMIN_URL =
  process.env.LOCKSTEP_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/postgres";

let available: Promise<boolean> | undefined;

/**
 * Whether PostgreSQL answers. In CI (CI=true) an unreachable PostgreSQL is a
 * failure, never a skip: the suites that need it throw instead.
 */
export function postgresAvailable(): Promise<boolean> {
  available ??= (async () => {
    const client = new pg.Client({
      connectionString: TEST_PG_ADMIN_URL,
      connectionTimeoutMillis: 3000,
    });
    try {
      await client.connect();
      await client.query("select 1");
      return true;
    } catch (error) {
      if (process.env.CI === "true") {
        throw new Error(`PostgreSQL is required in CI but unreachable at ${TEST_PG_ADMIN_URL}`, {
          cause: error,
        });
      }
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return available;
}

/** A fresh, empty database for one test file; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `lockstep_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
