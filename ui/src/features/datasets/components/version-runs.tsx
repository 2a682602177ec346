import { Link } from "../../../lib/router";
import type { VersionRun } from "../api/get-version-runs";

/** Links to the runs that read (or wrote) a version. */
export function VersionRuns(props: { runs: VersionRun[] | undefined; notLookedUp?: boolean }) {
  const { runs } = props;
  if (props.notLookedUp) return <span className="muted">select the version to see them</span>;
  if (runs === undefined) return <span className="muted">…</span>;
  if (runs.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="inline-list">
      {runs.map((r) => (
        <li key={`${r.use}${r.runId}`}>
          <Link href={`/runs/${r.runId}`}>{r.label.replace(/ \(.*\)$/, "") || r.runId}</Link>
          {r.use === "output" ? <span className="muted"> (wrote it)</span> : null}
        </li>
      ))}
    </ul>
  );
}
