import { useMemo } from "react";
import {
  ChartControls,
  chartSettingsQuery,
  readChartSettings,
} from "../../../components/ui/chart-controls";
import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { LineChart } from "../../../components/ui/line-chart";
import { metricNumber } from "../../../lib/api";
import { useQueryState } from "../../../lib/router";
import { chartKeys, useMetricHistories } from "../api/get-metric-history";

/** One chart per chosen key (keys rarely share a scale); the choice lives in the URL. */
export function RunCharts(props: { runId: string; keys: string[]; version: number }) {
  const [query, setQuery] = useQueryState();
  const settings = readChartSettings(query);
  const keysParam = query.get("keys");
  const chosen = chartKeys(props.keys, keysParam);
  const histories = useMetricHistories(props.runId, chosen, props.version);
  const series = useMemo(
    () =>
      (histories.data ?? []).map((h) => ({
        key: h.key,
        total: h.total,
        downsampled: h.downsampled,
        series: [
          {
            label: h.key,
            x: h.points.map((p) => (settings.xMode === "time" ? p.timestamp : p.step)),
            y: h.points.map((p) => metricNumber(p.value)),
          },
        ],
      })),
    [histories.data, settings.xMode],
  );
  const toggle = (key: string) => {
    const next = chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key];
    setQuery({ keys: next.join(",") || "," });
  };
  if (props.keys.length === 0) return <p className="muted">No metrics logged.</p>;
  return (
    <div>
      <fieldset className="key-picker">
        <legend>Metric keys</legend>
        {props.keys.map((key) => (
          <label key={key} className="check">
            <input type="checkbox" checked={chosen.includes(key)} onChange={() => toggle(key)} />
            {key}
          </label>
        ))}
      </fieldset>
      <ChartControls settings={settings} onChange={(n) => setQuery(chartSettingsQuery(n))} />
      {histories.error ? <ErrorBox error={histories.error} /> : null}
      {histories.loading && !histories.data ? <Loading what="metric history" /> : null}
      <div className="charts">
        {series.map((s) => (
          <LineChart
            key={s.key}
            title={`${s.key}${s.downsampled ? ` (${s.total.toLocaleString("en")} points, downsampled)` : ""}`}
            series={s.series}
            xMode={settings.xMode}
            logY={settings.logY}
            smoothing={settings.smoothing}
          />
        ))}
      </div>
    </div>
  );
}
