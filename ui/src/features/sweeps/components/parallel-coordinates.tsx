import { formatMetric } from "../../../lib/format";
import type { Trial } from "../api/get-sweep";
import { type Axis, axisValue, parallelAxes } from "./parallel-axes";

const HEIGHT = 300;
const TOP = 34;
const BOTTOM = 44;
const SPACING = 150;
const SIDE = 70;

const tick = (axis: Axis, v: number) =>
  axis.kind === "category" ? (axis.categories[v] ?? "") : formatMetric(v);

/** Good trials dark blue, poor ones light orange; the goal decides which end is good. */
function colour(t: number): string {
  const from = [29, 78, 216];
  const to = [234, 88, 12];
  const mix = from.map((c, i) => Math.round(c + ((to[i] as number) - c) * t));
  return `rgb(${mix.join(",")})`;
}

/**
 * Params against the objective: one axis each, one line per trial that
 * reported the objective, the best drawn on top and thicker.
 */
export function ParallelCoordinates(props: {
  trials: Trial[];
  objective: string;
  goal: "minimize" | "maximize";
  bestIndex: number | undefined;
}) {
  const scored = props.trials.filter((t) => t.objective !== null);
  const axes = parallelAxes(scored, props.objective);
  if (scored.length === 0 || axes.length < 2) {
    return <p className="muted">No finished trial has reported {props.objective} yet.</p>;
  }
  const width = SIDE * 2 + (axes.length - 1) * SPACING;
  const x = (i: number) => SIDE + i * SPACING;
  const y = (p: number) => TOP + (1 - p) * (HEIGHT - TOP - BOTTOM);
  const objectiveAxis = axes[axes.length - 1] as Axis;
  const quality = (t: Trial) => {
    const p = objectiveAxis.position(t.objective) ?? 0.5;
    return props.goal === "minimize" ? p : 1 - p;
  };
  // The best is drawn last so no other line hides it.
  const order = [...scored].sort(
    (a, b) => Number(a.index === props.bestIndex) - Number(b.index === props.bestIndex),
  );
  return (
    <figure className="graph-scroll" aria-label="Parameters against the objective">
      <svg className="parallel" width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`}>
        <title>Parallel coordinates of the trials' parameters and {props.objective}</title>
        {order.map((t) => {
          const points = axes.flatMap((axis, i) => {
            const p = axis.position(axisValue(t, axis));
            return p === undefined ? [] : [`${x(i)},${y(p)}`];
          });
          const best = t.index === props.bestIndex;
          return (
            <polyline
              key={`${t.index}-${t.attempt}`}
              points={points.join(" ")}
              data-trial={t.index}
              className={best ? "pc-line pc-best" : "pc-line"}
              stroke={best ? "#111827" : colour(quality(t))}
            >
              <title>
                trial {t.index}: {props.objective} {formatMetric(t.objective ?? undefined)}
              </title>
            </polyline>
          );
        })}
        {axes.map((axis, i) => (
          <g key={axis.key} className="pc-axis" data-axis={axis.label}>
            <line x1={x(i)} x2={x(i)} y1={y(0)} y2={y(1)} />
            <text x={x(i)} y={TOP - 14} textAnchor="middle" className="pc-label">
              {axis.label}
            </text>
            {axis.kind === "category"
              ? axis.categories.map((c, k) => (
                  <text key={c} x={x(i) + 5} y={y(axis.position(c) ?? 0) + 4} className="pc-tick">
                    {tick(axis, k)}
                  </text>
                ))
              : [axis.min, axis.max].map((v, k) => (
                  <text key={k === 0 ? "min" : "max"} x={x(i) + 5} y={y(k) + 4} className="pc-tick">
                    {tick(axis, v)}
                  </text>
                ))}
          </g>
        ))}
      </svg>
    </figure>
  );
}
