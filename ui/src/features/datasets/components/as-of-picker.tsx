import { ErrorBox } from "../../../components/ui/error-box";
import { formatUtc } from "../../../lib/format";
import { useDatasetAsOf } from "../api/resolve-dataset";

/**
 * "Which version would a run have got on this date?" — answered by the
 * server's own time-travel resolution, so the page and runs agree.
 */
export function AsOfPicker(props: {
  name: string;
  value: string;
  onChange: (value: string) => void;
  onShow: (version: string) => void;
}) {
  // datetime-local carries no zone; the page reads it as UTC, as the server does.
  const iso = props.value === "" ? "" : `${props.value}Z`;
  const resolved = useDatasetAsOf(props.name, iso);
  return (
    <section className="as-of" aria-labelledby="as-of-title">
      <h2 id="as-of-title">As of</h2>
      <label className="field">
        Date and time (UTC)
        <input
          type="datetime-local"
          step="1"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      </label>
      {props.value === "" ? (
        <p className="muted">Pick a time to see the version a run would have got then.</p>
      ) : null}
      {resolved.error ? <ErrorBox error={resolved.error} /> : null}
      {resolved.data ? (
        <p aria-live="polite" data-testid="as-of-result">
          A run at {formatUtc(iso)} would have got <strong>{resolved.data.version}</strong>{" "}
          <span className="muted">
            (created {formatUtc(resolved.data.createdAt)}, {resolved.data.digest.slice(0, 19)}…)
          </span>{" "}
          <button type="button" onClick={() => props.onShow(resolved.data?.version ?? "")}>
            Show {resolved.data.version}
          </button>
        </p>
      ) : null}
    </section>
  );
}
