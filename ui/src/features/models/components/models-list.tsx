import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { formatTime } from "../../../lib/format";
import { Link } from "../../../lib/router";
import { useModels } from "../api/get-models";

export function ModelsList() {
  const { data, error, loading } = useModels();
  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">Models</h1>
      {error ? <ErrorBox error={error} /> : null}
      {loading && !data ? <Loading what="models" /> : null}
      {data && data.length === 0 ? (
        <p className="muted">
          No registered models yet. Register one with{" "}
          <code>lockstep models register NAME --run RUN --path PATH</code>.
        </p>
      ) : null}
      {data && data.length > 0 ? (
        <table className="list" aria-label="Models">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Latest</th>
              <th scope="col">Aliases</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {data.map((m) => (
              <tr key={m.name}>
                <td>
                  <Link href={`/models/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                </td>
                <td>{m.latestVersion === null ? "—" : `v${m.latestVersion}`}</td>
                <td>
                  {Object.entries(m.aliases)
                    .sort(([a], [b]) => a.localeCompare(b))
                    .map(([alias, version]) => (
                      <span key={alias} className="alias-chip">
                        @{alias} → v{version}
                      </span>
                    ))}
                </td>
                <td>{formatTime(m.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
