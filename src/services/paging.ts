import { BadRequestError } from "../domain/errors.js";

/** One page of a listing; `nextPageToken` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/** The page size a caller asked for, checked against the route's maximum. */
export function pageLimit(requested: number | undefined, fallback: number, max: number): number {
  if (requested === undefined) return fallback;
  if (!Number.isSafeInteger(requested) || requested < 1 || requested > max) {
    throw new BadRequestError(
      `max_results must be an integer from 1 to ${max} (got ${requested})`,
      {
        issues: [{ path: "max_results", message: `must be an integer from 1 to ${max}` }],
      },
    );
  }
  return requested;
}
