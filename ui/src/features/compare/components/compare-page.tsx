import { useMemo } from "react";
import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { SERIES_COLORS } from "../../../components/ui/line-chart";
import { StatusBadge } from "../../../components/ui/status-badge";
import type { Run } from "../../../lib/api";
import { formatMetric } from "../../../lib/format";
import { Link, useQueryState } from "../../../lib/router";
import { useRuns } from "../api/get-runs";
import { captureRows } from "./capture-rows";
import { type DiffRow, DiffTable } from "./diff-table";
import { OverlayCharts } from "./overlay-charts";

const MIN_RUNS = 2;
const MAX_RUNS = 10;

export function ComparePage() {
  const [query, setQuery] = useQueryState();
  const ids = [...new Set((query.get("runs") ?? "").split(",").filter((s) => s !== ""))];
  const onlyDifferences = query.get("diff") === "1";
  const valid = ids.length >= MIN_RUNS && ids.length <= MAX_RUNS;
  const { data: runs, error, loading } = useRuns(valid ? ids : []);
  const tables = useMemo(() => {
    if (!runs) return undefined;
    const keysOf = (f: (r: Run) => Record<string, unknown>) =>
      [...new Set(runs.flatMap((r) => Object.keys(f(r))))].sort();
    const params: DiffRow[] = keysOf((r) => r.params).map((k) => ({
      label: k,
      values: runs.map((r) => r.params[k] ?? ""),
    }));
    const metrics: DiffRow[] = keysOf((r) => r.metrics).map((k) => ({
      label: k,
      values: runs.map((r) => formatMetric(r.metrics[k])),
    }));
    return { params, metrics, ...captureRows(runs) };
  }, [runs]);

  if (!valid) {
    return (
      <section>
        <h1>Compare runs</h1>
        <p role="alert" className="error-box">
          Choose {MIN_RUNS} to {MAX_RUNS} runs to compare (got {ids.length}); select them in an
          experiment's runs table.
        </p>
        <Link href="/">Back to experiments</Link>
      </section>
    );
  }
  if (error) return <ErrorBox error={error} />;
  if (loading || !runs || !tables) return <Loading what="runs" />;
  const names = runs.map((r) => r.name);
  const section = (id: string, title: string, label: string, rows: DiffRow[]) => (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <DiffTable label={label} runNames={names} rows={rows} onlyDifferences={onlyDifferences} />
    </section>
  );
  return (
    <article aria-labelledby="compare-title">
      <h1 id="compare-title">Compare {runs.length} runs</h1>
      <ul className="compare-runs">
        {runs.map((r, i) => (
          <li key={r.id}>
            <span
              className="swatch"
              style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }}
            />
            <Link href={`/runs/${r.id}`}>{r.name}</Link> <StatusBadge status={r.status} />
          </li>
        ))}
      </ul>
      <label className="check">
        <input
          type="checkbox"
          checked={onlyDifferences}
          onChange={(e) => setQuery({ diff: e.target.checked ? "1" : undefined })}
        />
        Show only differences
      </label>
      {section("cmp-params", "Parameters", "Parameters", tables.params)}
      {section("cmp-metrics", "Latest metrics", "Latest metrics", tables.metrics)}
      <section aria-labelledby="cmp-charts">
        <h2 id="cmp-charts">Metric charts</h2>
        <OverlayCharts runs={runs} />
      </section>
      {section("cmp-code", "Code", "Code", tables.code)}
      {section("cmp-data", "Data", "Data", tables.data)}
      {section("cmp-seed", "Seed", "Seed", tables.seed)}
      {section("cmp-env", "Environment", "Environment", tables.environment)}
    </article>
  );
}
