/** What the axes read of a trial (get-sweep.ts); no imports, so tests load this file anywhere. */
interface Trial {
  params: Record<string, unknown>;
  objective: number | null;
}

/** One vertical axis: a numeric range, or categories spaced evenly. */
export interface Axis {
  key: string;
  label: string;
  kind: "number" | "category";
  categories: string[];
  min: number;
  max: number;
  /** 0 (bottom) to 1 (top) for a trial's value; undefined when it has none. */
  position(value: unknown): number | undefined;
}

function numberAxis(key: string, label: string, values: number[]): Axis {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return {
    key,
    label,
    kind: "number",
    categories: [],
    min,
    max,
    position: (v) => {
      const n = typeof v === "number" ? v : Number(v);
      if (v === null || v === undefined || !Number.isFinite(n)) return undefined;
      return max === min ? 0.5 : (n - min) / (max - min);
    },
  };
}

function categoryAxis(key: string, label: string, values: string[]): Axis {
  const categories = [...new Set(values)].sort();
  return {
    key,
    label,
    kind: "category",
    categories,
    min: 0,
    max: categories.length - 1,
    position: (v) => {
      if (v === null || v === undefined) return undefined;
      const i = categories.indexOf(String(v));
      if (i < 0) return undefined;
      return categories.length === 1 ? 0.5 : i / (categories.length - 1);
    },
  };
}

/**
 * An axis per parameter (numeric when every value is a number, else
 * categorical), then the objective, for the trials that reported one.
 */
export function parallelAxes(trials: Trial[], objective: string): Axis[] {
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  const axes = keys.map((key) => {
    const values = trials.map((t) => t.params[key]).filter((v) => v !== undefined);
    return values.every((v) => typeof v === "number")
      ? numberAxis(key, key, values as number[])
      : categoryAxis(key, key, values.map(String));
  });
  const scores = trials.flatMap((t) => (t.objective === null ? [] : [t.objective]));
  if (scores.length > 0) axes.push(numberAxis("__objective", objective, scores));
  return axes;
}

/** A trial's value on an axis. */
export function axisValue(trial: Trial, axis: Axis): unknown {
  return axis.key === "__objective" ? trial.objective : trial.params[axis.key];
}
