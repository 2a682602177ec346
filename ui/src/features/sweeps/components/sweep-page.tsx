import { useEffect, useMemo, useState } from "react";
import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { LineChart } from "../../../components/ui/line-chart";
import { formatMetric } from "../../../lib/format";
import { Link } from "../../../lib/router";
import { useSweep } from "../api/get-sweep";
import { ParallelCoordinates } from "./parallel-coordinates";
import { TrialsTable } from "./trials-table";

const POLL_MS = 3000;

/** The best value holds until the next improvement, so the line steps down (or up). */
function steps(points: { time: number; value: number }[]): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  points.forEach((p, i) => {
    if (i > 0) {
      x.push(p.time);
      y.push(points[i - 1]?.value ?? p.value);
    }
    x.push(p.time);
    y.push(p.value);
  });
  return { x, y };
}

/** A sweep: its best trial, the best objective over time, every trial, and params against the objective. */
export function SweepPage({ id }: { id: string }) {
  const [revision, setRevision] = useState(0);
  const sweep = useSweep(id, revision);
  const running = sweep.data?.state === "running";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setRevision((r) => r + 1), POLL_MS);
    return () => clearInterval(timer);
  }, [running]);
  const data = sweep.data;
  const progress = useMemo(
    () =>
      data && data.bestSoFar.length > 0
        ? [{ label: `best ${data.objective.metric}`, ...steps(data.bestSoFar) }]
        : [],
    [data],
  );
  if (sweep.error && !data) return <ErrorBox error={sweep.error} />;
  if (!data) return <Loading what="sweep" />;
  const bestIndex = data.bestTrial?.index;
  const counts = Object.entries(data.counts).filter(([, n]) => n > 0);
  return (
    <section aria-labelledby="sweep-title">
      <p className="crumbs">
        <Link href={`/experiments/${data.experimentId}`}>experiment {data.experimentId}</Link> /{" "}
        <Link href={`/runs/${data.id}`}>sweep run</Link>
      </p>
      <h1 id="sweep-title">Sweep {data.name}</h1>
      <dl className="summary">
        <dt>State</dt>
        <dd data-testid="sweep-state">{data.state}</dd>
        <dt>Method</dt>
        <dd>{data.method}</dd>
        <dt>Objective</dt>
        <dd>
          {data.objective.goal} {data.objective.metric}
        </dd>
        <dt>Budget</dt>
        <dd>
          {data.budget.maxTrials} trials
          {data.budget.maxParallel < data.budget.maxTrials
            ? `, ${data.budget.maxParallel} at a time`
            : ", any number at a time"}
        </dd>
        <dt>Trials</dt>
        <dd>{counts.map(([state, n]) => `${n} ${state}`).join(", ") || "none yet"}</dd>
      </dl>
      <h2>Best trial so far</h2>
      {data.bestTrial ? (
        <p data-testid="best-trial">
          Trial {data.bestTrial.index}: {data.objective.metric} ={" "}
          <strong>{formatMetric(data.bestTrial.objective ?? undefined)}</strong> with{" "}
          {Object.entries(data.bestTrial.params)
            .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
            .join(", ")}
          {data.bestTrial.runId ? (
            <>
              {" "}
              · <Link href={`/runs/${data.bestTrial.runId}`}>open its run</Link>
            </>
          ) : null}
        </p>
      ) : (
        <p className="muted">{data.message ?? "No finished trial yet."}</p>
      )}
      {progress.length > 0 ? (
        <LineChart
          title={`Best ${data.objective.metric} over time`}
          series={progress}
          xMode="time"
        />
      ) : null}
      <h2>Parameters against {data.objective.metric}</h2>
      <ParallelCoordinates
        trials={data.trials}
        objective={data.objective.metric}
        goal={data.objective.goal}
        bestIndex={bestIndex}
      />
      <h2>Trials</h2>
      <TrialsTable trials={data.trials} objective={data.objective.metric} bestIndex={bestIndex} />
    </section>
  );
}
