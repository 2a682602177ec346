import type { Experiment } from "../../../lib/api";
import { formatTime } from "../../../lib/format";
import { Link } from "../../../lib/router";
import { COUNT_CAP, useExperimentActivity } from "../api/get-experiment-activity";

export function ExperimentRow({ experiment }: { experiment: Experiment }) {
  const { data } = useExperimentActivity(experiment.id);
  const last = Math.max(experiment.lastUpdateTime, data?.lastStart ?? 0);
  return (
    <tr>
      <td>
        <Link href={`/experiments/${experiment.id}`}>{experiment.name}</Link>
      </td>
      <td className="num" data-testid="run-count">
        {data === undefined ? "…" : data.more ? `${COUNT_CAP}+` : String(data.runs)}
      </td>
      <td>{formatTime(last)}</td>
      <td className="muted">{experiment.id}</td>
    </tr>
  );
}
