/** One logged value of a metric. NaN and ±Infinity are legal values. */
export interface MetricPoint {
  key: string;
  value: number;
  /** An integer; 0 when not given. */
  step: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** A point of one key's history (the key is implied). */
export interface HistoryPoint {
  value: number;
  step: number;
  timestamp: number;
}

/** The latest value of a key, kept for fast search and summaries. */
export interface LatestMetric extends HistoryPoint {
  key: string;
}
