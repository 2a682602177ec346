import { Type } from "@sinclair/typebox";
import { MetricValue, StringMap } from "./common-schemas.js";

export const MetricIn = Type.Object({
  key: Type.String(),
  value: MetricValue,
  step: Type.Optional(Type.Integer({ description: "Default is 0" })),
  timestamp: Type.Optional(
    Type.Integer({ description: "Milliseconds; default is the server's clock" }),
  ),
});

/**
 * One key's points in columns: what the SDK sends, since arrays of numbers
 * parse and validate far faster than one object per point.
 */
export const SeriesIn = Type.Object({
  key: Type.String(),
  values: Type.Array(MetricValue),
  steps: Type.Optional(Type.Array(Type.Integer(), { description: "Default is 0 for every point" })),
  timestamps: Type.Optional(
    Type.Array(Type.Integer(), { description: "Milliseconds; default is the server's clock" }),
  ),
});

/** Counts are not in the schema: too many entries is a 413, checked before validation. */
export const BatchBody = Type.Object({
  metrics: Type.Optional(Type.Array(MetricIn, { description: "At most 10,000 points" })),
  series: Type.Optional(
    Type.Array(SeriesIn, {
      description: "The same points in columns per key; counts with `metrics` toward 10,000",
    }),
  ),
  params: Type.Optional(StringMap),
  tags: Type.Optional(StringMap),
  idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
});

export const BatchResponse = Type.Object({ accepted: Type.Integer(), duplicate: Type.Boolean() });

const Point = Type.Object({ value: MetricValue, step: Type.Integer(), timestamp: Type.Integer() });

export const LatestMetricsResponse = Type.Object({
  metrics: Type.Array(
    Type.Object({
      key: Type.String(),
      value: MetricValue,
      step: Type.Integer(),
      timestamp: Type.Integer(),
    }),
  ),
});

export const HistoryParams = Type.Object({ id: Type.String(), key: Type.String() });

export const HistoryQuery = Type.Object({
  start_step: Type.Optional(Type.Integer()),
  end_step: Type.Optional(Type.Integer()),
  max_results: Type.Optional(Type.Integer({ description: "At most 25,000" })),
  page_token: Type.Optional(Type.String()),
  max_points: Type.Optional(Type.Integer({ description: "Downsample to about this many points" })),
});

export const HistoryResponse = Type.Union([
  Type.Object({ points: Type.Array(Point), nextPageToken: Type.Optional(Type.String()) }),
  Type.Object({ points: Type.Array(Point), downsampled: Type.Boolean(), total: Type.Integer() }),
]);
