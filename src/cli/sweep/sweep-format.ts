import type { SweepView } from "../../sweeps/sweep-views.js";
import { formatMetric, printLine, renderTable } from "../output.js";

function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === "number" ? formatMetric(v) : String(v)}`)
    .join(" ");
}

/** `lockstep sweep show` as text: a summary, the best trial, then the trials table. */
export function printSweep(view: SweepView): void {
  const counts = Object.entries(view.counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`)
    .join(", ");
  printLine(`sweep ${view.id} (${view.name}): ${view.state}, method ${view.method}`);
  printLine(`objective: ${view.objective.goal} ${view.objective.metric}`);
  printLine(`trials: ${counts || "none yet"} (budget ${view.budget.maxTrials})`);
  if (view.bestTrial) {
    printLine(
      `best: trial ${view.bestTrial.index} run ${view.bestTrial.runId} ${view.objective.metric}=${formatMetric(view.bestTrial.objective as number)} ${paramsText(view.bestTrial.params)}`,
    );
  } else {
    printLine(`best: none — ${view.message}`);
  }
  printLine();
  printLine(
    renderTable(
      [
        "TRIAL",
        "ATTEMPT",
        "STATUS",
        "RUN",
        view.objective.metric.toUpperCase(),
        "PARAMS",
        "REASON",
      ],
      view.trials.map((t) => [
        String(t.index),
        String(t.attempt),
        t.status,
        t.runId ?? "-",
        t.objective === null ? "-" : formatMetric(t.objective),
        paramsText(t.params),
        t.reason ?? "",
      ]),
    ),
  );
}
