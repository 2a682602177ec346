import { type ComponentType, useEffect, useState } from "react";
import { ErrorBox, Loading } from "../../components/ui/error-box";

/** A page's code, fetched on first use and kept. */
export interface PageLoader<P> {
  what: string;
  loaded: ComponentType<P> | undefined;
  load(): Promise<ComponentType<P>>;
}

export function pageLoader<P>(load: () => Promise<ComponentType<P>>, what: string): PageLoader<P> {
  let pending: Promise<ComponentType<P>> | undefined;
  const loader: PageLoader<P> = {
    what,
    loaded: undefined,
    load() {
      pending ??= load().then((component) => {
        loader.loaded = component;
        return component;
      });
      return pending;
    },
  };
  return loader;
}

/**
 * Renders a lazily loaded page without Suspense: React 19 holds a Suspense
 * boundary's content back for up to 300 ms after its fallback shows (to batch
 * reveals), and on the run page that delayed every request, and so the chart,
 * by that much. Here the page renders as soon as its chunk has run.
 */
export function LazyPage<P extends object>(props: { loader: PageLoader<P>; props: P }) {
  const { loader } = props;
  // Read from the loader on every render, so a new loader never shows the old page.
  const Page = loader.loaded;
  const [, setLoaded] = useState(0);
  const [error, setError] = useState<Error>();
  useEffect(() => {
    if (loader.loaded) return;
    let live = true;
    loader.load().then(
      () => live && setLoaded((n) => n + 1),
      (e: unknown) => live && setError(e instanceof Error ? e : new Error(String(e))),
    );
    return () => {
      live = false;
    };
  }, [loader]);
  if (error) return <ErrorBox error={error} />;
  if (!Page) return <Loading what={loader.what} />;
  return <Page {...props.props} />;
}
