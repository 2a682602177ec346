import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { formatBytes } from "../../../lib/format";
import type { DatasetVersion } from "../api/get-dataset-versions";
import { useManifest } from "../api/get-manifest";
import { diffManifests } from "./diff-manifests";

/** Files added, removed and changed going from `from` to `to`. */
export function VersionDiff(props: {
  name: string;
  versions: DatasetVersion[];
  from: string;
  to: string;
  onFromChange: (version: string) => void;
}) {
  const before = useManifest(props.name, props.from);
  const after = useManifest(props.name, props.to);
  const error = before.error ?? after.error;
  const diff = before.data && after.data ? diffManifests(before.data, after.data) : undefined;
  return (
    <section aria-labelledby="diff-title">
      <h2 id="diff-title">Diff</h2>
      <label className="field">
        Changes to {props.to} since
        <select value={props.from} onChange={(e) => props.onFromChange(e.target.value)}>
          <option value="">choose a version…</option>
          {props.versions
            .filter((v) => v.version !== props.to)
            .map((v) => (
              <option key={v.version} value={v.version}>
                {v.version}
                {v.message ? ` — ${v.message}` : ""}
              </option>
            ))}
        </select>
      </label>
      {error ? <ErrorBox error={error} /> : null}
      {props.from !== "" && !diff && !error ? <Loading what="diff" /> : null}
      {diff ? (
        <>
          <p className="muted" data-testid="diff-summary">
            {diff.added.length} added, {diff.removed.length} removed, {diff.changed.length} changed,{" "}
            {diff.unchanged} unchanged
          </p>
          {diff.added.length + diff.removed.length + diff.changed.length > 0 ? (
            <table className="list file-diff" aria-label={`Diff from ${props.from} to ${props.to}`}>
              <thead>
                <tr>
                  <th scope="col">Change</th>
                  <th scope="col">Path</th>
                  <th scope="col">Size</th>
                </tr>
              </thead>
              <tbody>
                {diff.added.map((f) => (
                  <tr key={`a${f.path}`} className="diff-add">
                    <td>+ added</td>
                    <td>
                      <code>{f.path}</code>
                    </td>
                    <td className="num">{formatBytes(f.size)}</td>
                  </tr>
                ))}
                {diff.removed.map((f) => (
                  <tr key={`r${f.path}`} className="diff-del">
                    <td>− removed</td>
                    <td>
                      <code>{f.path}</code>
                    </td>
                    <td className="num">{formatBytes(f.size)}</td>
                  </tr>
                ))}
                {diff.changed.map((c) => (
                  <tr key={`c${c.path}`} className="diff-change">
                    <td>~ changed</td>
                    <td>
                      <code>{c.path}</code>
                    </td>
                    <td className="num">
                      {formatBytes(c.before.size)} → {formatBytes(c.after.size)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>The two versions hold the same files.</p>
          )}
        </>
      ) : null}
    </section>
  );
}
