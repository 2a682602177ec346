import { formatBytes, formatUtc } from "../../../lib/format";
import type { DatasetVersion } from "../api/get-dataset-versions";
import type { VersionRun } from "../api/get-version-runs";
import { VersionRuns } from "./version-runs";

/** Every version, newest first, with the runs that used it. */
export function VersionsTable(props: {
  versions: DatasetVersion[];
  runs: Map<string, VersionRun[]> | undefined;
  selected: string;
  onSelect: (version: string) => void;
}) {
  return (
    <table className="list" aria-label="Versions">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Created</th>
          <th scope="col">Message</th>
          <th scope="col">Files</th>
          <th scope="col">Size</th>
          <th scope="col">Digest</th>
          <th scope="col">Runs that used it</th>
        </tr>
      </thead>
      <tbody>
        {[...props.versions].reverse().map((v) => (
          <tr
            key={v.version}
            className={v.version === props.selected ? "selected" : undefined}
            data-version={v.version}
          >
            <td>
              <button
                type="button"
                className="link"
                aria-pressed={v.version === props.selected}
                onClick={() => props.onSelect(v.version)}
              >
                {v.version}
              </button>
            </td>
            <td>{formatUtc(v.createdAt)}</td>
            <td>{v.message ?? <span className="muted">—</span>}</td>
            <td className="num">{v.files}</td>
            <td className="num">{formatBytes(v.size)}</td>
            <td>
              <code title={v.digest}>{v.digest.slice(0, 19)}…</code>
            </td>
            <td>
              <VersionRuns
                runs={props.runs?.get(v.version)}
                notLookedUp={props.runs !== undefined && !props.runs.has(v.version)}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
