/**
 * The parsed form of an MLflow search filter (`metrics.acc > 0.9 and
 * params.lr = '0.01'`) and order-by clause. The parser lives in
 * src/domain/search/; stores compile this form to SQL.
 */
export type FilterEntity = "metric" | "param" | "tag" | "attribute" | "dataset";

export type ComparisonOp =
  | "="
  | "!="
  | ">"
  | ">="
  | "<"
  | "<="
  | "LIKE"
  | "ILIKE"
  | "IN"
  | "NOT IN";

/** Run attributes a filter or order-by may name (MLflow's plus Lockstep's `kind` and `parent_id`). */
export const RUN_ATTRIBUTES = [
  "run_id",
  "run_name",
  "user_id",
  "status",
  "artifact_uri",
  "start_time",
  "end_time",
  "kind",
  "parent_id",
  "experiment_id",
] as const;
export type RunAttribute = (typeof RUN_ATTRIBUTES)[number];

/** Dataset fields a filter may name (`datasets.name = 'digits'`). */
export const DATASET_FIELDS = ["name", "digest", "context"] as const;
export type DatasetField = (typeof DATASET_FIELDS)[number];

export interface Comparison {
  entity: FilterEntity;
  /** The metric, param or tag key; an attribute name (RunAttribute) or dataset field. */
  key: string;
  op: ComparisonOp;
  /** A number for metrics and time attributes, a string otherwise, a list for IN / NOT IN. */
  value: number | string | string[];
}

/** Comparisons joined by `and` (MLflow's grammar has no `or`). */
export type Filter = Comparison[];

export interface OrderBy {
  entity: Exclude<FilterEntity, "dataset">;
  key: string;
  direction: "ASC" | "DESC";
}
