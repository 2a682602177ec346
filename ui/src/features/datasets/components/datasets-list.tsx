import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { formatBytes, formatUtc } from "../../../lib/format";
import { Link } from "../../../lib/router";
import { useDatasets } from "../api/get-datasets";

export function DatasetsList() {
  const { data, error, loading } = useDatasets();
  return (
    <section aria-labelledby="datasets-title">
      <h1 id="datasets-title">Datasets</h1>
      {error ? <ErrorBox error={error} /> : null}
      {loading && !data ? <Loading what="datasets" /> : null}
      {data && data.length === 0 ? (
        <p className="muted">
          No datasets yet. Add one with <code>lockstep data add NAME PATH</code>.
        </p>
      ) : null}
      {data && data.length > 0 ? (
        <table className="list" aria-label="Datasets">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Versions</th>
              <th scope="col">Latest</th>
              <th scope="col">Created</th>
              <th scope="col">Files</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.name}>
                <td>
                  <Link href={`/datasets/${encodeURIComponent(d.name)}`}>{d.name}</Link>
                </td>
                <td className="num">{d.versions}</td>
                <td>{d.latest?.version ?? "—"}</td>
                <td>{d.latest ? formatUtc(d.latest.createdAt) : "—"}</td>
                <td className="num">{d.latest?.files ?? ""}</td>
                <td className="num">{formatBytes(d.latest?.size)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
