import { useState } from "react";
import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { formatBytes } from "../../../lib/format";
import { useArtifacts } from "../api/list-artifacts";
import { ArtifactPreview } from "./artifact-preview";

function parentOf(folder: string): string {
  const i = folder.lastIndexOf("/");
  return i < 0 ? "" : folder.slice(0, i);
}

export function ArtifactsBrowser({ runId }: { runId: string }) {
  const [folder, setFolder] = useState("");
  const [file, setFile] = useState<string>();
  const { data, error, loading } = useArtifacts(runId, folder);
  const name = (path: string) => path.slice(path.lastIndexOf("/") + 1);
  return (
    <div className="artifacts">
      <nav aria-label="Artifact folders" className="artifact-list">
        <p className="muted">/{folder}</p>
        {error ? <ErrorBox error={error} /> : null}
        {loading && !data ? <Loading what="artifacts" /> : null}
        <ul>
          {folder !== "" ? (
            <li>
              <button type="button" className="link" onClick={() => setFolder(parentOf(folder))}>
                ../
              </button>
            </li>
          ) : null}
          {(data ?? []).map((entry) => (
            <li key={entry.path}>
              <button
                type="button"
                className="link"
                aria-current={entry.path === file ? "true" : undefined}
                onClick={() => (entry.isDir ? setFolder(entry.path) : setFile(entry.path))}
              >
                {name(entry.path)}
                {entry.isDir ? "/" : ""}
              </button>{" "}
              <span className="muted">{entry.isDir ? "" : formatBytes(entry.size)}</span>
            </li>
          ))}
        </ul>
        {data && data.length === 0 ? <p className="muted">No artifacts.</p> : null}
      </nav>
      {file !== undefined ? <ArtifactPreview runId={runId} path={file} /> : null}
    </div>
  );
}
