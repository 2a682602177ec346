import { apiPut } from "../../../lib/api";
import type { AliasMove } from "./get-alias-history";

/** Points `alias` at `version`; the move is `null` when it already pointed there. */
export async function moveAlias(options: {
  name: string;
  alias: string;
  version: number;
}): Promise<AliasMove | null> {
  const path = `/models/${encodeURIComponent(options.name)}/aliases/${encodeURIComponent(options.alias)}`;
  return (await apiPut<{ move: AliasMove | null }>(path, { version: options.version })).move;
}
