import { useEffect, useState } from "react";
import { ErrorBox, Loading } from "../../../components/ui/error-box";
import { KeyValueTable } from "../../../components/ui/key-value-table";
import { StatusBadge } from "../../../components/ui/status-badge";
import type { Run } from "../../../lib/api";
import { formatDuration, formatMetric, formatTime } from "../../../lib/format";
import { Link } from "../../../lib/router";
import { useChildren } from "../api/get-children";
import { sortMetricKeys } from "../api/get-metric-history";
import { useRun } from "../api/get-run";
import { useRunEvents } from "../api/use-run-events";
import { ArtifactsBrowser } from "./artifacts-browser";
import { ReproPanel } from "./repro-panel";
import { RunCharts } from "./run-charts";
import { RunLogs } from "./run-logs";

function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

function Children({ runId }: { runId: string }) {
  const { data } = useChildren(runId);
  if (!data || data.length === 0) return null;
  return (
    <section aria-labelledby="children-title">
      <h2 id="children-title">Child runs ({data.length})</h2>
      <ul>
        {data.map((child) => (
          <li key={child.id}>
            <Link href={`/runs/${child.id}`}>{child.name}</Link>{" "}
            <StatusBadge status={child.status} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function RunBody({ run }: { run: Run }) {
  const live = useRunEvents(run.id, run.status === "RUNNING");
  const status = live?.status ?? run.status;
  const endTime = live ? live.endTime : run.endTime;
  const now = useNow(status === "RUNNING");
  const latest = { ...run.metrics };
  for (const m of live?.metrics ?? []) latest[m.key] = m.value;
  const keys = sortMetricKeys(Object.keys(latest));
  // Charts refetch when a live update brings new latest values.
  const version = live ? JSON.stringify(live.metrics).length + (live.endTime ?? 0) : 0;
  const userTags = Object.entries(run.tags).filter(([k]) => !k.startsWith("mlflow."));
  const reproductionOf = run.tags["lockstep.reproduction.of"];
  const verdict = run.tags["lockstep.reproduction.verdict"];
  return (
    <>
      <p className="crumbs">
        <Link href="/">Experiments</Link> /{" "}
        <Link href={`/experiments/${run.experimentId}`}>experiment {run.experimentId}</Link>
        {run.parentId ? (
          <>
            {" "}
            / <Link href={`/runs/${run.parentId}`}>parent run</Link>
          </>
        ) : null}
      </p>
      <h1 id="run-title">{run.name}</h1>
      <dl className="summary">
        <dt>Status</dt>
        <dd data-testid="run-status" aria-live="polite">
          <StatusBadge status={status} />
        </dd>
        <dt>Duration</dt>
        <dd data-testid="run-duration">
          {formatDuration((endTime ?? now) - run.startTime)}
          {status === "RUNNING" ? " (live)" : ""}
        </dd>
        <dt>Started</dt>
        <dd>{formatTime(run.startTime)}</dd>
        <dt>Kind</dt>
        <dd>
          {run.kind}
          {reproductionOf ? (
            <>
              {" of "}
              <Link href={`/runs/${reproductionOf}`}>{reproductionOf.slice(0, 12)}</Link>
              {verdict ? ` · ${verdict.replace("_", " ")}` : ""}
            </>
          ) : null}
        </dd>
        <dt>User</dt>
        <dd>{run.userId}</dd>
        <dt>Run id</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>Lineage</dt>
        <dd>
          <Link href={`/lineage?ref=${run.id}`}>graph of this run</Link>
          {run.kind === "sweep" ? (
            <>
              {" · "}
              <Link href={`/sweeps/${run.id}`}>sweep page</Link>
            </>
          ) : null}
        </dd>
      </dl>
      <div className="two-col">
        <section aria-labelledby="params-title">
          <h2 id="params-title">Parameters</h2>
          <KeyValueTable label="Parameters" entries={Object.entries(run.params).sort()} />
        </section>
        <section aria-labelledby="latest-title">
          <h2 id="latest-title">Latest metrics</h2>
          <KeyValueTable
            label="Latest metrics"
            entries={keys.map((k) => [k, formatMetric(latest[k])])}
          />
        </section>
      </div>
      <section aria-labelledby="charts-title">
        <h2 id="charts-title">Metrics</h2>
        <RunCharts runId={run.id} keys={keys} version={version} />
      </section>
      <section aria-labelledby="repro-title">
        <h2 id="repro-title">Reproducibility</h2>
        <ReproPanel run={run} />
      </section>
      <Children runId={run.id} />
      <section aria-labelledby="artifacts-title">
        <h2 id="artifacts-title">Artifacts</h2>
        <ArtifactsBrowser runId={run.id} />
      </section>
      <section aria-labelledby="logs-title">
        <h2 id="logs-title">Logs</h2>
        <RunLogs runId={run.id} />
      </section>
      <section aria-labelledby="tags-title">
        <h2 id="tags-title">Tags</h2>
        <KeyValueTable label="Tags" entries={userTags.sort()} />
      </section>
    </>
  );
}

export function RunPage({ runId }: { runId: string }) {
  const { data, error, loading } = useRun(runId);
  if (error) return <ErrorBox error={error} />;
  if (loading || !data) return <Loading what="run" />;
  return (
    <article aria-labelledby="run-title">
      <RunBody key={data.id} run={data} />
    </article>
  );
}
