import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { artifactUrl } from "../../../lib/api";
import { useArtifactText } from "../api/get-artifact-text";

const IMAGE = /\.(png|jpe?g|gif|webp|svg|bmp)$/i;
const TEXT =
  /\.(txt|log|md|py|ts|js|json|jsonl|csv|tsv|ya?ml|toml|cfg|ini|patch|diff|sh|html|xml)$/i;

function previewKind(path: string): "image" | "json" | "csv" | "text" | "none" {
  if (IMAGE.test(path)) return "image";
  if (/\.json$/i.test(path)) return "json";
  if (/\.(csv|tsv)$/i.test(path)) return "csv";
  if (TEXT.test(path) || !/\.[^/]+$/.test(path)) return "text";
  return "none";
}

/** A naive split is enough for a preview of the head; quoted commas are rare in metric dumps. */
function csvHead(text: string, separator: string, rows = 20): string[][] {
  return text
    .split(/\r?\n/)
    .filter((line) => line !== "")
    .slice(0, rows + 1)
    .map((line) => line.split(separator));
}

function TextPreview({ runId, path }: { runId: string; path: string }) {
  const kind = previewKind(path);
  const { data, error, loading } = useArtifactText(runId, path);
  if (error) return <ErrorBox error={error} />;
  if (loading || !data) return <Loading what={path} />;
  if (kind === "json" && !data.truncated) {
    try {
      return <pre className="preview">{JSON.stringify(JSON.parse(data.text), null, 2)}</pre>;
    } catch {
      // Not valid JSON: shown as text below.
    }
  }
  if (kind === "csv") {
    const rows = csvHead(data.text, /\.tsv$/i.test(path) ? "\t" : ",");
    const [head, ...body] = rows;
    return (
      <div className="preview-table">
        <table aria-label={`head of ${path}`}>
          <thead>
            <tr>
              {(head ?? []).map((cell, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions; the index is their identity
                <th key={i} scope="col">
                  {cell}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((row, r) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows of a file keep their position; the index is their identity
              <tr key={r}>
                {row.map((cell, c) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positions; the index is their identity
                  <td key={c}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">First {body.length} rows.</p>
      </div>
    );
  }
  return (
    <pre className="preview">
      {data.text}
      {data.truncated ? "\n… (preview truncated; download for the whole file)" : ""}
    </pre>
  );
}

export function ArtifactPreview({ runId, path }: { runId: string; path: string }) {
  const kind = previewKind(path);
  return (
    <section className="artifact-preview" aria-label={`preview of ${path}`}>
      <p>
        <strong>{path}</strong> ·{" "}
        <a href={artifactUrl(runId, path)} download>
          download
        </a>
      </p>
      {kind === "image" ? (
        <img src={artifactUrl(runId, path)} alt={path} className="preview-image" />
      ) : null}
      {kind === "none" ? <p className="muted">No preview for this file type.</p> : null}
      {kind !== "image" && kind !== "none" ? <TextPreview runId={runId} path={path} /> : null}
    </section>
  );
}
