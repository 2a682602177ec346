import { useCallback, useEffect, useRef, useState } from "react";
import { apiPost, type Run } from "../../../lib/api";

export interface RunsQuery {
  experimentId: string;
  filter: string;
  /** MLflow order_by clauses, e.g. "metrics.`acc` DESC". */
  orderBy: string[];
}

interface Page {
  runs: Run[];
  nextPageToken?: string;
}

/** A small first page shows rows at once; more pages load as the user scrolls toward them. */
const FIRST_PAGE = 200;
const NEXT_PAGE = 1000;

export function searchRuns(
  query: RunsQuery,
  options: { maxResults: number; pageToken?: string; signal: AbortSignal },
): Promise<Page> {
  return apiPost<Page>(
    "/runs/search",
    {
      experimentIds: [query.experimentId],
      ...(query.filter.trim() ? { filter: query.filter } : {}),
      ...(query.orderBy.length ? { orderBy: query.orderBy } : {}),
      maxResults: options.maxResults,
      ...(options.pageToken ? { pageToken: options.pageToken } : {}),
    },
    options.signal,
  );
}

export interface RunSearchState {
  runs: Run[];
  error: Error | undefined;
  /** True until the first page has arrived. */
  loading: boolean;
  /** True once every page has arrived. */
  complete: boolean;
}

export interface RunSearch extends RunSearchState {
  /** Fetches the next page unless one is on its way or none is left. */
  loadMore(): void;
}

export function useRunSearch(query: RunsQuery): RunSearch {
  const [state, setState] = useState<RunSearchState>({
    runs: [],
    error: undefined,
    loading: true,
    complete: false,
  });
  const key = JSON.stringify(query);
  // The current query's paging: its token, its abort signal, and whether a page is in flight.
  const paging = useRef<{ token?: string; signal?: AbortSignal; busy: boolean; q?: RunsQuery }>({
    busy: false,
  });
  const fail = useCallback((error: unknown, signal: AbortSignal) => {
    if (signal.aborted) return;
    const err = error instanceof Error ? error : new Error(String(error));
    setState({ runs: [], error: err, loading: false, complete: true });
  }, []);
  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    const q = JSON.parse(key) as RunsQuery;
    paging.current = { signal, busy: true, q };
    setState((s) => ({ ...s, error: undefined, loading: true, complete: false }));
    searchRuns(q, { maxResults: FIRST_PAGE, signal }).then(
      (page) => {
        if (signal.aborted) return;
        paging.current = { token: page.nextPageToken, signal, busy: false, q };
        setState({
          runs: page.runs,
          error: undefined,
          loading: false,
          complete: !page.nextPageToken,
        });
      },
      (error) => fail(error, signal),
    );
    return () => controller.abort();
  }, [key, fail]);
  const loadMore = useCallback(() => {
    const p = paging.current;
    if (p.busy || !p.token || !p.signal || !p.q || p.signal.aborted) return;
    p.busy = true;
    const signal = p.signal;
    // Page tokens are offsets, so a larger page may follow a small one.
    searchRuns(p.q, { maxResults: NEXT_PAGE, pageToken: p.token, signal }).then(
      (page) => {
        if (signal.aborted) return;
        p.token = page.nextPageToken;
        p.busy = false;
        setState((s) => ({
          runs: s.runs.concat(page.runs),
          error: undefined,
          loading: false,
          complete: !page.nextPageToken,
        }));
      },
      (error) => fail(error, signal),
    );
  }, [fail]);
  return { ...state, loadMore };
}
