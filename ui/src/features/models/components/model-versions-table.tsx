import { formatMetric, formatTime } from "../../../lib/format";
import { Link } from "../../../lib/router";
import type { ModelVersion } from "../api/get-model-versions";

/** Versions, newest first, with the metrics of the run that produced each. */
export function ModelVersionsTable(props: { versions: ModelVersion[]; highlight?: number }) {
  const keys = [...new Set(props.versions.flatMap((v) => Object.keys(v.runMetrics ?? {})))].sort();
  return (
    <div className="table-scroll">
      <table className="list" aria-label="Model versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Aliases</th>
            <th scope="col">Registered</th>
            <th scope="col">Run</th>
            <th scope="col">Path</th>
            {keys.map((k) => (
              <th scope="col" key={k}>
                {k}
              </th>
            ))}
            <th scope="col">Lineage</th>
          </tr>
        </thead>
        <tbody>
          {props.versions.map((v) => (
            <tr
              key={v.version}
              data-version={v.version}
              className={v.version === props.highlight ? "selected" : undefined}
            >
              <td>v{v.version}</td>
              <td>
                {v.aliases.length === 0 ? (
                  <span className="muted">—</span>
                ) : (
                  v.aliases.map((a) => (
                    <span key={a} className="alias-chip">
                      @{a}
                    </span>
                  ))
                )}
              </td>
              <td>{formatTime(v.createdAt)}</td>
              <td>
                <Link href={`/runs/${v.runId}`}>{v.runId.slice(0, 8)}</Link>
              </td>
              <td>
                <code>{v.sourcePath}</code>
              </td>
              {keys.map((k) => (
                <td key={k} className="num">
                  {formatMetric(v.runMetrics?.[k])}
                </td>
              ))}
              <td>
                <Link href={`/lineage?ref=${encodeURIComponent(`models:/${v.name}/${v.version}`)}`}>
                  graph
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
