import type { MetadataStore } from "./metadata-store.js";
import { openPostgresStore } from "./postgres/postgres-store.js";
import { openSqliteStore } from "./sqlite/sqlite-store.js";

/**
 * Opens the metadata store a URL names and migrates it to the latest schema.
 * `sqlite:<path>` (parent folders are created), `sqlite::memory:`, or
 * `postgres://…` / `postgresql://…`.
 */
export async function openStore(url: string): Promise<MetadataStore> {
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    return openPostgresStore(url);
  }
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length);
    if (path === ":memory:") return openSqliteStore(":memory:");
    // Accept the URL form `sqlite:///abs/path` as well as `sqlite:/abs/path`.
    const file = path.startsWith("//") ? path.slice(2) : path;
    if (file === "") throw new Error(`store URL "${url}" names no file; use sqlite:<path>`);
    return openSqliteStore(file);
  }
  throw new Error(
    `unsupported store URL "${url}": use sqlite:<path>, sqlite::memory: or postgres://…`,
  );
}
