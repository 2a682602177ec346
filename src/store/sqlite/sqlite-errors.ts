import { ConflictError, NotFoundError } from "../../domain/errors.js";

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function isSqliteUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/**
 * Runs a write and turns SQLite's constraint errors into domain errors, so
 * driver errors never leave the adapter.
 */
export function translateSqlite<T>(
  write: () => T,
  messages: { conflict?: string; missing?: string },
): T {
  try {
    return write();
  } catch (error) {
    if (messages.conflict && isSqliteUniqueViolation(error)) {
      throw new ConflictError(messages.conflict, { cause: error });
    }
    if (messages.missing && codeOf(error) === "SQLITE_CONSTRAINT_FOREIGNKEY") {
      throw new NotFoundError(messages.missing);
    }
    throw error;
  }
}
