import { formatTime } from "../../../lib/format";
import { Link } from "../../../lib/router";
import { type Reproduction, useReproductions } from "../api/get-reproductions";

const VERDICTS: Record<NonNullable<Reproduction["verdict"]>, string> = {
  identical: "identical",
  within_tolerance: "within tolerance",
  diverged: "diverged",
  not_reproducible: "not reproducible",
};

function outcome(r: Reproduction): string {
  if (r.verdict) return VERDICTS[r.verdict];
  if (r.seeds) return `seed spread (${r.seeds} seeds)`;
  return r.status === "RUNNING" ? "running" : r.status.toLowerCase();
}

/** How often `lockstep reproduce` re-ran this run, when, and how each came out. */
export function ReproductionsSection({ runId }: { runId: string }) {
  const { data, error } = useReproductions(runId);
  if (error) return <p className="muted">Reproductions unavailable: {error.message}</p>;
  if (!data) return null;
  if (data.length === 0) {
    return (
      <p className="muted">
        Not reproduced yet: <code>lockstep reproduce {runId}</code>
      </p>
    );
  }
  return (
    <>
      <p>
        Reproduced {data.length} {data.length === 1 ? "time" : "times"}.
      </p>
      <table aria-label="Reproductions">
        <thead>
          <tr>
            <th scope="col">reproduction</th>
            <th scope="col">started</th>
            <th scope="col">verdict</th>
          </tr>
        </thead>
        <tbody>
          {data.map((r) => (
            <tr key={r.runId}>
              <td>
                <Link href={`/runs/${r.runId}`}>{r.runId.slice(0, 12)}</Link>
              </td>
              <td>{formatTime(r.startTime)}</td>
              <td className={`verdict verdict-${r.verdict ?? "none"}`}>{outcome(r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
