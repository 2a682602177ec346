import pg from "pg";

const INT8 = 20;
const NUMERIC = 1700;

const parseNumber = (value: string): number => Number(value);

/**
 * Times, ids, sizes and counts are bigint columns; pg returns them as strings
 * by default. Every value stored in them fits in a double (milliseconds,
 * byte sizes, row counts), so they come back as plain numbers. float8 is
 * already parsed as a number, "Infinity" and "NaN" included.
 */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8 || oid === NUMERIC) return parseNumber;
    return format === undefined
      ? pg.types.getTypeParser(oid)
      : pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

export function createPostgresPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, types, max });
  // An idle client losing its connection must not crash the process.
  pool.on("error", () => {});
  return pool;
}
