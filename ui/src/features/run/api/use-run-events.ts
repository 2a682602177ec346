import { useEffect, useState } from "react";
import type { HistoryPoint, RunStatus } from "../../../lib/api";

export interface RunEvent {
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  metrics: (HistoryPoint & { key: string })[];
}

/** Live status and latest metrics over server-sent events while the run is RUNNING. */
export function useRunEvents(runId: string, live: boolean): RunEvent | undefined {
  const [event, setEvent] = useState<RunEvent>();
  useEffect(() => {
    if (!live) return;
    const source = new EventSource(`/api/v1/runs/${encodeURIComponent(runId)}/events`);
    source.addEventListener("run", (e) => setEvent(JSON.parse((e as MessageEvent<string>).data)));
    // The server ends the stream after `end`; closing stops EventSource from reconnecting.
    source.addEventListener("end", () => source.close());
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) source.close();
    });
    return () => source.close();
  }, [runId, live]);
  return event;
}
