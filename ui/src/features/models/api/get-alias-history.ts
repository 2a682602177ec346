import { apiGet } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

export interface AliasMove {
  seq: number;
  name: string;
  alias: string;
  fromVersion: number | null;
  toVersion: number | null;
  kind: "set" | "delete" | "rollback";
  user: string;
  at: number;
}

export async function getAliasHistory(name: string, alias: string, signal: AbortSignal) {
  const path = `/models/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}/history`;
  return (await apiGet<{ history: AliasMove[] }>(path, signal)).history;
}

/** Oldest first. */
export function useAliasHistory(name: string, alias: string, revision: number) {
  return useAsync((signal) => getAliasHistory(name, alias, signal), [name, alias, revision]);
}
