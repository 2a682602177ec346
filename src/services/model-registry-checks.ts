import { BadRequestError } from "../domain/errors.js";
import { LIMITS } from "../domain/limits.js";
import { aliasProblem, modelNameProblem } from "../domain/model-rules.js";
import { decodePageToken, encodePageToken } from "../domain/page-token.js";
import { checkKey, checkLength, quote } from "./key-rules.js";
import { type Page, pageLimit } from "./paging.js";

export interface SearchInput {
  filter?: string;
  maxResults?: number;
  pageToken?: string;
}

/** The registry's input rules, as BadRequestErrors naming the field. */
export function checkName(name: string, path = "name"): void {
  const problem = modelNameProblem(name);
  if (problem) {
    throw new BadRequestError(`invalid model name ${quote(name)}: ${problem}`, {
      issues: [{ path, message: problem }],
    });
  }
}

export function checkAlias(alias: string): void {
  const problem = aliasProblem(alias);
  if (problem) {
    throw new BadRequestError(`invalid alias ${quote(alias)}: ${problem}`, {
      issues: [{ path: "alias", message: problem }],
    });
  }
}

export function checkTag(key: string, value: string): void {
  checkKey("run tag", key);
  checkLength({
    what: `tag ${quote(key)} value`,
    value,
    max: LIMITS.experimentTagValueLength,
    path: "value",
  });
}

/**
 * One page of a search the store runs: the token carries the offset and the
 * query. The store is asked for one row more than the page holds, to know
 * whether another page follows. Sizes as MLflow's: models 100 by default (at
 * most 1000), versions 10000 by default.
 */
export async function searchPage<T>(
  input: SearchInput,
  options: { fingerprint: string; fallback: number; max: number },
  fetch: (window: { offset: number; limit: number }) => Promise<T[]>,
): Promise<Page<T>> {
  const { fingerprint } = options;
  const limit = pageLimit(input.maxResults, options.fallback, options.max);
  const offset = decodePageToken(input.pageToken, fingerprint);
  const rows = await fetch({ offset, limit: limit + 1 });
  if (rows.length <= limit) return { items: rows };
  return {
    items: rows.slice(0, limit),
    nextPageToken: encodePageToken(offset + limit, fingerprint),
  };
}
