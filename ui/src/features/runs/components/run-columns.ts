import type { Run } from "../../../lib/api";
import { formatDuration, formatMetric, formatTime } from "../../../lib/format";

export type ColumnEntity = "param" | "metric" | "tag" | "attribute";

/** A column the user can choose, written `entity:key` in the URL (`metric:acc`). */
export interface ColumnRef {
  entity: ColumnEntity;
  key: string;
}

export const ATTRIBUTE_COLUMNS: Record<string, { label: string; sortable: boolean }> = {
  status: { label: "Status", sortable: true },
  start_time: { label: "Started", sortable: true },
  end_time: { label: "Ended", sortable: true },
  duration: { label: "Duration", sortable: false },
  user_id: { label: "User", sortable: true },
  kind: { label: "Kind", sortable: true },
  run_id: { label: "Run id", sortable: true },
};

export const DEFAULT_ATTRIBUTES = ["status", "start_time", "duration"];

export function columnId(ref: ColumnRef): string {
  return `${ref.entity}:${ref.key}`;
}

export function parseColumnId(id: string): ColumnRef | undefined {
  const colon = id.indexOf(":");
  if (colon < 0) return undefined;
  const entity = id.slice(0, colon);
  const key = id.slice(colon + 1);
  if (key === "") return undefined;
  if (entity === "param" || entity === "metric" || entity === "tag") return { entity, key };
  if (entity === "attribute" && key in ATTRIBUTE_COLUMNS) return { entity, key };
  return undefined;
}

export function columnLabel(ref: ColumnRef): string {
  if (ref.entity === "attribute") return ATTRIBUTE_COLUMNS[ref.key]?.label ?? ref.key;
  return ref.key;
}

export function isSortable(ref: ColumnRef): boolean {
  return ref.entity !== "attribute" || ATTRIBUTE_COLUMNS[ref.key]?.sortable === true;
}

const PREFIX: Record<ColumnEntity, string> = {
  param: "params",
  metric: "metrics",
  tag: "tags",
  attribute: "attributes",
};

/** The search API's order_by clause for a column. */
export function orderClause(ref: ColumnRef, direction: "ASC" | "DESC"): string {
  const key =
    ref.entity === "attribute" || /^[A-Za-z_]\w*$/.test(ref.key)
      ? ref.key
      : `\`${ref.key.replaceAll("`", "``")}\``;
  return `${PREFIX[ref.entity]}.${key} ${direction}`;
}

export function cellText(run: Run, ref: ColumnRef): string {
  switch (ref.entity) {
    case "param":
      return run.params[ref.key] ?? "";
    case "metric":
      return formatMetric(run.metrics[ref.key]);
    case "tag":
      return run.tags[ref.key] ?? "";
    case "attribute":
      return attributeText(run, ref.key);
  }
}

function attributeText(run: Run, key: string): string {
  switch (key) {
    case "status":
      return run.status;
    case "start_time":
      return formatTime(run.startTime);
    case "end_time":
      return formatTime(run.endTime);
    case "duration":
      return formatDuration(run.endTime === null ? null : run.endTime - run.startTime);
    case "user_id":
      return run.userId;
    case "kind":
      return run.kind;
    case "run_id":
      return run.id;
    default:
      return "";
  }
}

/** Every key the loaded runs carry, for the column picker. */
export function availableColumns(
  runs: Run[],
): Record<Exclude<ColumnEntity, "attribute">, string[]> {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  // Keys repeat across runs; sampling keeps a 10,000-run table responsive.
  const step = Math.max(1, Math.floor(runs.length / 500));
  for (let i = 0; i < runs.length; i += step) {
    const run = runs[i] as Run;
    for (const k of Object.keys(run.params)) params.add(k);
    for (const k of Object.keys(run.metrics)) metrics.add(k);
    for (const k of Object.keys(run.tags)) tags.add(k);
  }
  const sorted = (s: Set<string>) =>
    [...s].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  return { param: sorted(params), metric: sorted(metrics), tag: sorted(tags) };
}
