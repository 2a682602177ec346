import { StatusBadge } from "../../../components/ui/status-badge";
import { formatDuration, formatMetric } from "../../../lib/format";
import { Link } from "../../../lib/router";
import type { Trial } from "../api/get-sweep";

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Every trial attempt with its params and objective; the best one marked. */
export function TrialsTable(props: {
  trials: Trial[];
  objective: string;
  bestIndex: number | undefined;
}) {
  const keys = [...new Set(props.trials.flatMap((t) => Object.keys(t.params)))].sort();
  return (
    <div className="table-scroll">
      <table className="list" aria-label="Trials">
        <thead>
          <tr>
            <th scope="col">Trial</th>
            <th scope="col">Status</th>
            {keys.map((k) => (
              <th scope="col" key={k}>
                {k}
              </th>
            ))}
            <th scope="col">{props.objective}</th>
            <th scope="col">Duration</th>
            <th scope="col">Run</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {props.trials.map((t) => (
            <tr
              key={`${t.index}-${t.attempt}`}
              data-trial={t.index}
              className={t.index === props.bestIndex ? "selected" : undefined}
            >
              <td>
                {t.index}
                {t.attempt > 1 ? <span className="muted"> (attempt {t.attempt})</span> : null}
                {t.index === props.bestIndex ? <strong> best</strong> : null}
              </td>
              <td>
                <StatusBadge status={t.status} /> <span className="muted">{t.state}</span>
              </td>
              {keys.map((k) => (
                <td key={k} className="num">
                  {t.params[k] === undefined ? "" : show(t.params[k])}
                </td>
              ))}
              <td className="num">{formatMetric(t.objective ?? undefined)}</td>
              <td>
                {t.startedAt !== null && t.endedAt !== null
                  ? formatDuration(t.endedAt - t.startedAt)
                  : "—"}
              </td>
              <td>
                {t.runId ? <Link href={`/runs/${t.runId}`}>{t.runId.slice(0, 8)}</Link> : "—"}
              </td>
              <td>{t.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
