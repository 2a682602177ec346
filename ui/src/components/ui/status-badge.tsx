import type { RunStatus } from "../../lib/api";

export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`status status-${status.toLowerCase()}`}>{status}</span>;
}
