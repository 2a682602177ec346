import { useState } from "react";
import { ConfirmDialog } from "../../../components/ui/confirm-dialog";
import { ErrorBox } from "../../../components/ui/error-box";
import { formatTime } from "../../../lib/format";
import { useAliasHistory } from "../api/get-alias-history";
import { moveAlias } from "../api/move-alias";
import { rollbackAlias } from "../api/rollback-alias";
import { moveToUndo } from "./rollback-target";

type Pending = { kind: "move"; version: number } | { kind: "rollback"; version: number };

const v = (n: number | null) => (n === null ? "none" : `v${n}`);

/** One alias: where it points, moving it, rolling it back (each confirmed), and its history. */
export function AliasCard(props: {
  model: string;
  alias: string;
  current: number | undefined;
  versions: number[];
  revision: number;
  onChanged: () => void;
}) {
  const history = useAliasHistory(props.model, props.alias, props.revision);
  const [target, setTarget] = useState("");
  const [pending, setPending] = useState<Pending | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const undo = history.data ? moveToUndo(history.data) : undefined;
  const rollbackTo = undo?.fromVersion ?? null;

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    setError(undefined);
    try {
      if (pending.kind === "move") {
        await moveAlias({ name: props.model, alias: props.alias, version: pending.version });
      } else {
        await rollbackAlias(props.model, props.alias);
      }
      setTarget("");
      props.onChanged();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
      setPending(undefined);
    }
  };

  const id = `alias-${props.alias}`;
  return (
    <section className="alias-card" aria-labelledby={id} data-alias={props.alias}>
      <h3 id={id}>
        @{props.alias} → <span data-testid="alias-version">{v(props.current ?? null)}</span>
      </h3>
      <div className="toolbar">
        <label className="field">
          Move to
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">choose a version…</option>
            {props.versions
              .filter((n) => n !== props.current)
              .map((n) => (
                <option key={n} value={String(n)}>
                  v{n}
                </option>
              ))}
          </select>
        </label>
        <button
          type="button"
          disabled={target === ""}
          onClick={() => setPending({ kind: "move", version: Number(target) })}
        >
          Move @{props.alias}
        </button>
        <button
          type="button"
          disabled={rollbackTo === null}
          title={rollbackTo === null ? "No earlier version to roll back to" : undefined}
          onClick={() =>
            rollbackTo !== null && setPending({ kind: "rollback", version: rollbackTo })
          }
        >
          Roll back @{props.alias}
          {rollbackTo !== null ? ` to v${rollbackTo}` : ""}
        </button>
      </div>
      {error ? <ErrorBox error={error} /> : null}
      <ConfirmDialog
        open={pending !== undefined}
        title={pending?.kind === "rollback" ? "Roll back alias?" : "Move alias?"}
        confirmLabel={pending?.kind === "rollback" ? "Roll back" : "Move"}
        busy={busy}
        onConfirm={confirm}
        onCancel={() => setPending(undefined)}
      >
        <p>
          {props.model}@{props.alias} points at {v(props.current ?? null)}.{" "}
          {pending ? `It will point at v${pending.version}.` : ""} Anything loading{" "}
          <code>
            models:/{props.model}@{props.alias}
          </code>{" "}
          gets the new version from then on.
        </p>
      </ConfirmDialog>
      <h4>History</h4>
      {history.error ? <ErrorBox error={history.error} /> : null}
      {history.data && history.data.length === 0 ? <p className="muted">No moves.</p> : null}
      {history.data && history.data.length > 0 ? (
        <table className="list" aria-label={`History of @${props.alias}`}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Change</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {[...history.data].reverse().map((m) => (
              <tr key={m.seq}>
                <td>{formatTime(m.at)}</td>
                <td>{m.kind}</td>
                <td>{v(m.fromVersion)}</td>
                <td>{v(m.toVersion)}</td>
                <td>{m.user}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
