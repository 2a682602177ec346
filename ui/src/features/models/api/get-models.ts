import { apiGet } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

/** docs/api.md "Models and lineage": `aliases` maps an alias to a version number. */
export interface RegisteredModel {
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
  tags: Record<string, string>;
  aliases: Record<string, number>;
  latestVersion: number | null;
}

export async function getModels(signal: AbortSignal): Promise<RegisteredModel[]> {
  const models: RegisteredModel[] = [];
  let token: string | undefined;
  do {
    const page = await apiGet<{ models: RegisteredModel[]; nextPageToken?: string }>(
      `/models?max_results=1000${token ? `&page_token=${encodeURIComponent(token)}` : ""}`,
      signal,
    );
    models.push(...page.models);
    token = page.nextPageToken;
  } while (token);
  return models;
}

export function useModels() {
  return useAsync((signal) => getModels(signal), []);
}
