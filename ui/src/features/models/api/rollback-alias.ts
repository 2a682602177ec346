import { apiPost } from "../../../lib/api";
import type { AliasMove } from "./get-alias-history";

/** Undoes the latest move of `alias` not yet undone. */
export async function rollbackAlias(name: string, alias: string): Promise<AliasMove | null> {
  const path = `/models/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}/rollback`;
  return (await apiPost<{ move: AliasMove | null }>(path, {})).move;
}
