import { ConflictError, NotFoundError } from "../../domain/errors.js";

const UNIQUE_VIOLATION = "23505";
const FOREIGN_KEY_VIOLATION = "23503";

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Runs a write and turns PostgreSQL's constraint errors into domain errors,
 * so driver errors never leave the adapter.
 */
export async function translatePostgres<T>(
  write: () => Promise<T>,
  messages: { conflict?: string; missing?: string },
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const code = codeOf(error);
    if (messages.conflict && code === UNIQUE_VIOLATION) {
      throw new ConflictError(messages.conflict, { cause: error });
    }
    if (messages.missing && code === FOREIGN_KEY_VIOLATION) {
      throw new NotFoundError(messages.missing);
    }
    throw error;
  }
}
