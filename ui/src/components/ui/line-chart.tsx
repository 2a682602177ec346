import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  /** Steps, or times in milliseconds. */
  x: number[];
  y: number[];
  /** Default is the palette colour of the series' position. */
  color?: string;
}

export interface LineChartProps {
  title: string;
  series: ChartSeries[];
  xMode: "step" | "time";
  logY?: boolean;
  /** 0 (none) to 0.99: exponential moving average, debiased as TensorBoard does. */
  smoothing?: number;
  height?: number;
}

export const SERIES_COLORS = [
  "#1f5fbf",
  "#c2410c",
  "#15803d",
  "#9333ea",
  "#be123c",
  "#0e7490",
  "#a16207",
  "#4d7c0f",
  "#6d28d9",
  "#334155",
];

function smooth(values: number[], weight: number): number[] {
  if (weight <= 0) return values;
  const out = new Array<number>(values.length);
  let last = 0;
  let debias = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    out[i] = last / debias;
  }
  return out;
}

function toAligned(
  props: Pick<LineChartProps, "series" | "xMode" | "logY" | "smoothing">,
): uPlot.AlignedData {
  const tables = props.series.map((s) => {
    const ys = smooth(s.y, props.smoothing ?? 0).map((v) =>
      Number.isFinite(v) && (!props.logY || v > 0) ? v : null,
    );
    const xs = props.xMode === "time" ? s.x.map((t) => t / 1000) : s.x;
    return [xs, ys] as uPlot.AlignedData;
  });
  if (tables.length === 1) return tables[0] as uPlot.AlignedData;
  return uPlot.join(tables);
}

/** One uPlot canvas; several series share the x axis (runs overlaid, or keys). */
export function LineChart(props: LineChartProps) {
  const { series, xMode, logY, smoothing, height } = props;
  const box = useRef<HTMLDivElement>(null);
  const points = series.reduce((n, s) => n + s.x.length, 0);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.dataset.drawn = "false";
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 300),
      height: height ?? 240,
      scales: {
        x: { time: xMode === "time" },
        y: logY ? { distr: 3 } : {},
      },
      axes: [
        { stroke: "#1f2937", grid: { stroke: "#e5e7eb" } },
        { stroke: "#1f2937", grid: { stroke: "#e5e7eb" }, size: 60 },
      ],
      series: [
        { label: xMode === "time" ? "time" : "step" },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color ?? (SERIES_COLORS[i % SERIES_COLORS.length] as string),
          width: 1.5,
          spanGaps: true,
          // A lone point draws no line, so it is shown as a dot.
          points: { show: s.x.length < 2, size: 7 },
        })),
      ],
      hooks: {
        draw: [
          () => {
            el.dataset.drawn = "true";
          },
        ],
      },
    };
    const plot = new uPlot(opts, toAligned({ series, xMode, logY, smoothing }), el);
    const resize = new ResizeObserver(() => {
      const width = Math.max(el.clientWidth, 300);
      if (width !== plot.width) plot.setSize({ width, height: plot.height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, xMode, logY, smoothing, height]);
  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={box} className="chart-canvas" data-points={points} />
    </figure>
  );
}
