import { type FormEvent, useState } from "react";
import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { Link, navigate, useQueryState } from "../../../lib/router";
import { useLineage } from "../api/get-lineage";
import { LineageGraphView } from "./lineage-graph";
import { nodePage, nodeRef, TYPE_LABEL } from "./node-links";

const lineageUrl = (ref: string) => `/lineage?ref=${encodeURIComponent(ref)}`;

/** `/lineage?ref=REF`: the graph around a run, model version or dataset version. */
export function LineagePage() {
  const [query] = useQueryState();
  const ref = query.get("ref") ?? "";
  const [draft, setDraft] = useState(ref);
  const lineage = useLineage(ref);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim() !== "") navigate(lineageUrl(draft.trim()));
  };
  const recentre = (next: string) => {
    setDraft(next);
    navigate(lineageUrl(next));
  };
  const graph = lineage.data;
  const root = graph?.nodes.find((n) => n.id === graph.root);
  const rootPage = root ? nodePage(root) : undefined;
  return (
    <section aria-labelledby="lineage-title">
      <h1 id="lineage-title">{ref ? `Lineage of ${ref}` : "Lineage"}</h1>
      <form className="toolbar" onSubmit={submit}>
        <label className="field">
          Reference
          <input
            type="text"
            size={48}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="run id, models:/NAME@ALIAS or NAME@vN"
          />
        </label>
        <button type="submit">Show lineage</button>
      </form>
      {ref === "" ? (
        <p className="muted">
          Enter a run id, a <code>models:/</code> reference or a dataset reference such as{" "}
          <code>digits@v2</code>.
        </p>
      ) : null}
      {lineage.error ? <ErrorBox error={lineage.error} /> : null}
      {lineage.loading && ref !== "" ? <Loading what="lineage" /> : null}
      {graph && root ? (
        <>
          <p>
            Centred on {TYPE_LABEL[root.type]} <strong>{root.label}</strong>
            {rootPage ? (
              <>
                {" · "}
                <Link href={rootPage}>open its page</Link>
              </>
            ) : null}
            <span className="muted">
              {" "}
              · {graph.nodes.length} nodes, {graph.edges.length} edges. Click a node to centre on
              it.
            </span>
          </p>
          <LineageGraphView graph={graph} onRecentre={recentre} />
          <h2>Nodes</h2>
          <table className="list" aria-label="Lineage nodes">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Label</th>
                <th scope="col">Page</th>
                <th scope="col">Lineage</th>
              </tr>
            </thead>
            <tbody>
              {graph.nodes.map((n) => {
                const page = nodePage(n);
                const nref = nodeRef(n);
                return (
                  <tr key={n.id}>
                    <td>{TYPE_LABEL[n.type]}</td>
                    <td>
                      <code>{n.label}</code>
                      {n.details
                        ? Object.entries(n.details).map(([key, value]) => (
                            <div key={key} className="muted">
                              {key}: <code>{value}</code>
                            </div>
                          ))
                        : null}
                    </td>
                    <td>
                      {page ? <Link href={page}>open</Link> : <span className="muted">—</span>}
                    </td>
                    <td>
                      {nref && n.id !== graph.root ? (
                        <Link href={lineageUrl(nref)}>centre here</Link>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
