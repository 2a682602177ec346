import { prefetchRunPage } from "../features/run/api/get-metric-history";

/**
 * Requests a first-loaded page's data before its lazily loaded code arrives,
 * so the two travel together (a shared link to a run opens this way).
 */
export function prefetchForLocation(location: { pathname: string; search: string }): void {
  const run = /^\/runs\/([^/]+)\/?$/.exec(location.pathname);
  if (run?.[1]) {
    prefetchRunPage(decodeURIComponent(run[1]), new URLSearchParams(location.search).get("keys"));
  }
}
