import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { artifactUrl } from "../../../lib/api";
import { useArtifactText } from "../api/get-artifact-text";
import { useArtifacts } from "../api/list-artifacts";

export const LOG_PATH = "lockstep/output.log";
const TAIL_LINES = 500;

function LogText({ runId }: { runId: string }) {
  const { data, error, loading } = useArtifactText(runId, LOG_PATH);
  if (error) return <ErrorBox error={error} />;
  if (loading || !data) return <Loading what="logs" />;
  const lines = data.text.split("\n");
  const tail = lines.slice(-TAIL_LINES).join("\n");
  return (
    <div>
      <p className="muted">
        {lines.length > TAIL_LINES ? `Last ${TAIL_LINES} lines · ` : ""}
        <a href={artifactUrl(runId, LOG_PATH)} download>
          download the whole log
        </a>
      </p>
      <section aria-label="run log">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must take focus to scroll by keyboard */}
        <pre className="logs" tabIndex={0}>
          {tail}
        </pre>
      </section>
    </div>
  );
}

/** The captured stdout and stderr of `lockstep run`, kept as an artifact. */
export function RunLogs({ runId }: { runId: string }) {
  // Listing first: asking for a missing log would be a 404 in the browser's console.
  const listing = useArtifacts(runId, "lockstep");
  if (listing.error) return <ErrorBox error={listing.error} />;
  if (!listing.data) return <Loading what="logs" />;
  if (!listing.data.some((f) => f.path === LOG_PATH)) {
    return <p className="muted">No log recorded for this run.</p>;
  }
  return <LogText runId={runId} />;
}
