/** One `key op 'value'` comparison of a registry search filter. */
export interface RegistryComparison {
  /** `name`, `run_id`, `version` or `tags.<key>`; which apply depends on what is searched. */
  key: string;
  op: "=" | "!=" | "LIKE" | "ILIKE";
  value: string;
}

/**
 * One page of a registry search, as the store runs it: every comparison must
 * hold (a missing tag matches none), compared as text; `%` and `_` are LIKE's
 * wildcards and LIKE is case-sensitive on both dialects.
 */
export interface RegistrySearch {
  comparisons: RegistryComparison[];
  offset: number;
  limit: number;
}
