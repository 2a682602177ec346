import { useMemo } from "react";
import {
  ChartControls,
  chartSettingsQuery,
  readChartSettings,
} from "../../../components/ui/chart-controls";
import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { LineChart, SERIES_COLORS } from "../../../components/ui/line-chart";
import { metricNumber, type Run } from "../../../lib/api";
import { useQueryState } from "../../../lib/router";
import { useMetricHistories } from "../api/get-metric-histories";

/** One chart per key with every run's line on it. */
export function OverlayCharts({ runs }: { runs: Run[] }) {
  const [query, setQuery] = useQueryState();
  const settings = readChartSettings(query);
  const allKeys = useMemo(
    () => [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort(),
    [runs],
  );
  const keysParam = query.get("keys");
  const chosen = useMemo(
    () =>
      keysParam !== null
        ? keysParam.split(",").filter((k) => allKeys.includes(k))
        : allKeys.slice(0, 4),
    [keysParam, allKeys],
  );
  const runIds = runs.map((r) => r.id);
  const histories = useMetricHistories(runIds, chosen);
  const charts = useMemo(
    () =>
      chosen.map((key) => ({
        key,
        series: runs.flatMap((run, index) => {
          const h = histories.data?.find((x) => x.runId === run.id && x.key === key);
          if (!h || h.points.length === 0) return [];
          return [
            {
              label: run.name,
              // The run keeps its colour on every chart, as in the list above.
              color: SERIES_COLORS[index % SERIES_COLORS.length] as string,
              x: h.points.map((p) => (settings.xMode === "time" ? p.timestamp : p.step)),
              y: h.points.map((p) => metricNumber(p.value)),
            },
          ];
        }),
      })),
    [histories.data, runs, chosen, settings.xMode],
  );
  const toggle = (key: string) => {
    const next = chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key];
    setQuery({ keys: next.join(",") || "," });
  };
  if (allKeys.length === 0) return <p className="muted">No metrics logged.</p>;
  return (
    <div>
      <fieldset className="key-picker">
        <legend>Metric keys</legend>
        {allKeys.map((key) => (
          <label key={key} className="check">
            <input type="checkbox" checked={chosen.includes(key)} onChange={() => toggle(key)} />
            {key}
          </label>
        ))}
      </fieldset>
      <ChartControls settings={settings} onChange={(n) => setQuery(chartSettingsQuery(n))} />
      {histories.error ? <ErrorBox error={histories.error} /> : null}
      {histories.loading && !histories.data ? <Loading what="metric histories" /> : null}
      <div className="charts">
        {histories.data
          ? charts.map((c) =>
              c.series.length ? (
                <LineChart
                  key={c.key}
                  title={c.key}
                  series={c.series}
                  xMode={settings.xMode}
                  logY={settings.logY}
                  smoothing={settings.smoothing}
                />
              ) : null,
            )
          : null}
      </div>
    </div>
  );
}
