export interface ChartSettings {
  xMode: "step" | "time";
  logY: boolean;
  smoothing: number;
}

/** x axis, smoothing and log scale, shared by the run and compare pages. */
export function ChartControls(props: {
  settings: ChartSettings;
  onChange: (next: Partial<ChartSettings>) => void;
}) {
  const { settings } = props;
  return (
    <div className="chart-controls">
      <label>
        x axis{" "}
        <select
          value={settings.xMode}
          onChange={(e) => props.onChange({ xMode: e.target.value === "time" ? "time" : "step" })}
        >
          <option value="step">step</option>
          <option value="time">time</option>
        </select>
      </label>
      <label>
        smoothing{" "}
        <input
          type="range"
          min={0}
          max={0.95}
          step={0.05}
          value={settings.smoothing}
          onChange={(e) => props.onChange({ smoothing: Number(e.target.value) })}
        />{" "}
        {settings.smoothing.toFixed(2)}
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={settings.logY}
          onChange={(e) => props.onChange({ logY: e.target.checked })}
        />
        log scale
      </label>
    </div>
  );
}

export function readChartSettings(query: URLSearchParams): ChartSettings {
  const smoothing = Number(query.get("smooth") ?? "0");
  return {
    xMode: query.get("x") === "time" ? "time" : "step",
    logY: query.get("log") === "1",
    smoothing: Number.isFinite(smoothing) ? Math.min(Math.max(smoothing, 0), 0.95) : 0,
  };
}

export function chartSettingsQuery(
  next: Partial<ChartSettings>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (next.xMode !== undefined) out.x = next.xMode === "time" ? "time" : undefined;
  if (next.logY !== undefined) out.log = next.logY ? "1" : undefined;
  if (next.smoothing !== undefined)
    out.smooth = next.smoothing > 0 ? String(next.smoothing) : undefined;
  return out;
}
