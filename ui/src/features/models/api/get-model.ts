import { apiGet } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";
import type { RegisteredModel } from "./get-models";

export async function getModel(name: string, signal: AbortSignal): Promise<RegisteredModel> {
  return (await apiGet<{ model: RegisteredModel }>(`/models/${encodeURIComponent(name)}`, signal))
    .model;
}

/** `revision` changes after a write, to fetch again. */
export function useModel(name: string, revision: number) {
  return useAsync((signal) => getModel(name, signal), [name, revision]);
}
