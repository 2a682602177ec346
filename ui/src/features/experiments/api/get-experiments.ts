import { apiGet, type Experiment } from "../../../lib/api";
import { useAsync } from "../../../lib/use-async";

export async function getExperiments(signal: AbortSignal): Promise<Experiment[]> {
  const all: Experiment[] = [];
  let token: string | undefined;
  do {
    const query = `max_results=1000${token ? `&page_token=${encodeURIComponent(token)}` : ""}`;
    const page = await apiGet<{ experiments: Experiment[]; nextPageToken?: string }>(
      `/experiments?${query}`,
      signal,
    );
    all.push(...page.experiments);
    token = page.nextPageToken;
  } while (token);
  return all;
}

export function useExperiments() {
  return useAsync(getExperiments, []);
}
