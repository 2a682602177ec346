import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { useQueryState } from "../../../lib/router";
import { useExperiments } from "../api/get-experiments";
import { ExperimentRow } from "./experiment-row";

export function ExperimentsList() {
  const [query, setQuery] = useQueryState();
  const search = query.get("q") ?? "";
  const { data, error, loading } = useExperiments();
  const needle = search.trim().toLowerCase();
  const shown = (data ?? []).filter((e) => e.name.toLowerCase().includes(needle));
  return (
    <section aria-labelledby="experiments-title">
      <h1 id="experiments-title">Experiments</h1>
      <label className="field">
        Search by name
        <input
          type="search"
          value={search}
          onChange={(e) => setQuery({ q: e.target.value })}
          placeholder="name contains…"
        />
      </label>
      {error ? <ErrorBox error={error} /> : null}
      {loading && !data ? <Loading what="experiments" /> : null}
      {data ? (
        <table className="list" aria-label="Experiments">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Runs</th>
              <th scope="col">Last activity</th>
              <th scope="col">Id</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <ExperimentRow key={e.id} experiment={e} />
            ))}
          </tbody>
        </table>
      ) : null}
      {data && shown.length === 0 ? (
        <p className="muted">No experiment matches “{search}”.</p>
      ) : null}
    </section>
  );
}
