import { lazy, Suspense, useEffect } from "react";
import { Loading } from "../components/ui/error-box";
import { ExperimentsList } from "../features/experiments/components/experiments-list";
import { RunsPage } from "../features/runs/components/runs-page";
import { useLocation } from "../lib/router";
import { DatasetsRoute, LineageRoute, ModelsRoute, SweepsRoute } from "./routes/coming-routes";
import { NotFoundRoute } from "./routes/not-found-route";

// The chart pages load uPlot with them, keeping the first load of the lists small.
const RunPage = lazy(() =>
  import("../features/run/components/run-page").then((m) => ({ default: m.RunPage })),
);
const ComparePage = lazy(() =>
  import("../features/compare/components/compare-page").then((m) => ({ default: m.ComparePage })),
);

function segment(pathname: string, prefix: string): string | undefined {
  if (!pathname.startsWith(prefix)) return undefined;
  const rest = pathname.slice(prefix.length).replace(/\/+$/, "");
  return rest === "" || rest.includes("/") ? undefined : decodeURIComponent(rest);
}

/** The page addresses of INTERFACE.md "Server"; the server falls back to index.html for them. */
export function AppRoutes() {
  const { pathname } = useLocation();
  useEffect(() => {
    document.title = pathname === "/" ? "Lockstep" : `${pathname.split("/")[1]} · Lockstep`;
  }, [pathname]);
  if (pathname === "/" || pathname === "/experiments" || pathname === "/experiments/") {
    return <ExperimentsList />;
  }
  const experimentId = segment(pathname, "/experiments/");
  if (experimentId !== undefined)
    return <RunsPage key={experimentId} experimentId={experimentId} />;
  const runId = segment(pathname, "/runs/");
  if (runId !== undefined) {
    return (
      <Suspense fallback={<Loading what="run" />}>
        <RunPage key={runId} runId={runId} />
      </Suspense>
    );
  }
  if (pathname === "/compare") {
    return (
      <Suspense fallback={<Loading what="comparison" />}>
        <ComparePage />
      </Suspense>
    );
  }
  if (pathname === "/datasets" || pathname.startsWith("/datasets/")) {
    return <DatasetsRoute name={segment(pathname, "/datasets/")} />;
  }
  if (pathname === "/models" || pathname.startsWith("/models/")) {
    return <ModelsRoute name={segment(pathname, "/models/")} />;
  }
  if (pathname === "/lineage") return <LineageRoute />;
  if (pathname === "/sweeps" || pathname.startsWith("/sweeps/")) {
    return <SweepsRoute id={segment(pathname, "/sweeps/")} />;
  }
  return <NotFoundRoute />;
}
