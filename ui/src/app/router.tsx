import { useEffect } from "react";
import { DatasetPage } from "../features/datasets/components/dataset-page";
import { DatasetsList } from "../features/datasets/components/datasets-list";
import { ExperimentsList } from "../features/experiments/components/experiments-list";
import { LineagePage } from "../features/lineage/components/lineage-page";
import { ModelPage } from "../features/models/components/model-page";
import { ModelsList } from "../features/models/components/models-list";
import { RunsPage } from "../features/runs/components/runs-page";
import { useLocation } from "../lib/router";
import { SweepsRoute } from "./routes/coming-routes";
import { LazyPage, pageLoader } from "./routes/lazy-page";
import { NotFoundRoute } from "./routes/not-found-route";

// The chart pages load uPlot with them, keeping the first load of the lists small.
const runPage = pageLoader(
  () => import("../features/run/components/run-page").then((m) => m.RunPage),
  "run",
);
const sweepPage = pageLoader(
  () => import("../features/sweeps/components/sweep-page").then((m) => m.SweepPage),
  "sweep",
);
const comparePage = pageLoader(
  () => import("../features/compare/components/compare-page").then((m) => m.ComparePage),
  "comparison",
);

function segment(pathname: string, prefix: string): string | undefined {
  if (!pathname.startsWith(prefix)) return undefined;
  const rest = pathname.slice(prefix.length).replace(/\/+$/, "");
  return rest === "" || rest.includes("/") ? undefined : decodeURIComponent(rest);
}

/** The page addresses of INTERFACE.md "Server"; the server falls back to index.html for them. */
export function AppRoutes() {
  const { pathname, search } = useLocation();
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
  if (runId !== undefined)
    return <LazyPage key={`run:${runId}`} loader={runPage} props={{ runId }} />;
  if (pathname === "/compare") return <LazyPage loader={comparePage} props={{}} />;
  if (pathname === "/datasets" || pathname === "/datasets/") return <DatasetsList />;
  const dataset = segment(pathname, "/datasets/");
  if (dataset !== undefined) return <DatasetPage key={dataset} name={dataset} />;
  if (pathname === "/models" || pathname === "/models/") return <ModelsList />;
  const model = segment(pathname, "/models/");
  if (model !== undefined) return <ModelPage key={model} name={model} />;
  if (pathname === "/lineage") return <LineagePage key={search.get("ref") ?? ""} />;
  const sweepId = segment(pathname, "/sweeps/");
  if (sweepId !== undefined)
    return <LazyPage key={`sweep:${sweepId}`} loader={sweepPage} props={{ id: sweepId }} />;
  if (pathname === "/sweeps" || pathname.startsWith("/sweeps/")) return <SweepsRoute />;
  return <NotFoundRoute />;
}
