import { ConflictError } from "../../domain/errors.js";

/**
 * Params are write-once: the same value again is fine, another value is a
 * conflict naming the key and both values.
 */
export function findParamConflict(
  runId: string,
  existing: readonly { key: string; value: string }[],
  incoming: Record<string, string>,
): ConflictError | undefined {
  for (const { key, value } of existing) {
    if (!Object.hasOwn(incoming, key)) continue;
    const next = incoming[key];
    if (next !== undefined && next !== value) {
      return new ConflictError(
        `param "${key}" of run ${runId} is already "${value}"; cannot change it to "${next}"`,
      );
    }
  }
  return undefined;
}
