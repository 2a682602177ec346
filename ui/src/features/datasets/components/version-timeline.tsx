import { formatUtc } from "../../../lib/format";
import type { DatasetVersion } from "../api/get-dataset-versions";

/**
 * Versions placed along a line by creation time; each marker selects its
 * version. Markers keep a minimum gap so versions made seconds apart stay
 * clickable.
 */
export function VersionTimeline(props: {
  versions: DatasetVersion[];
  selected: string;
  onSelect: (version: string) => void;
}) {
  const times = props.versions.map((v) => new Date(v.createdAt).getTime());
  const first = times[0] ?? 0;
  const span = Math.max(1, (times[times.length - 1] ?? 0) - first);
  const count = props.versions.length;
  // Blend time position with even spacing so close versions never overlap.
  const position = (i: number) => {
    const byTime = ((times[i] ?? first) - first) / span;
    const even = count > 1 ? i / (count - 1) : 0.5;
    return 4 + 92 * (count > 1 ? 0.5 * byTime + 0.5 * even : 0.5);
  };
  return (
    <div className="timeline">
      <div className="timeline-line" aria-hidden="true" />
      <ol aria-label="Version timeline">
        {props.versions.map((v, i) => (
          <li key={v.version} style={{ left: `${position(i)}%` }}>
            <button
              type="button"
              className={v.version === props.selected ? "marker selected" : "marker"}
              aria-pressed={v.version === props.selected}
              title={`${v.version} · ${formatUtc(v.createdAt)}${v.message ? ` · ${v.message}` : ""}`}
              onClick={() => props.onSelect(v.version)}
            >
              {v.version}
            </button>
            <span className="timeline-date muted">{formatUtc(v.createdAt).slice(5, 16)}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
