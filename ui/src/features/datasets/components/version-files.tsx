import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { formatBytes } from "../../../lib/format";
import { useManifest } from "../api/get-manifest";

const SHOWN = 500;

export function VersionFiles({ name, version }: { name: string; version: string }) {
  const manifest = useManifest(name, version);
  if (manifest.error) return <ErrorBox error={manifest.error} />;
  if (!manifest.data) return <Loading what="files" />;
  const files = manifest.data.files;
  if (files.length === 0) return <p className="muted">This version holds no files.</p>;
  return (
    <>
      <table className="list" aria-label={`Files of ${version}`}>
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Size</th>
            <th scope="col">Mode</th>
            <th scope="col">Chunks</th>
          </tr>
        </thead>
        <tbody>
          {files.slice(0, SHOWN).map((f) => (
            <tr key={f.path}>
              <td>
                <code>{f.path}</code>
              </td>
              <td className="num">{formatBytes(f.size)}</td>
              <td>
                <code>{f.mode.toString(8)}</code>
              </td>
              <td className="num">{f.chunks.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {files.length > SHOWN ? (
        <p className="muted">
          Showing {SHOWN} of {files.length} files.
        </p>
      ) : null}
    </>
  );
}
