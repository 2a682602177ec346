import type { ParameterSpec, ParamValue, TrialParams } from "./sweep-spec.js";

function choices(spec: ParameterSpec): ParamValue[] {
  switch (spec.kind) {
    case "constant":
      return [spec.value];
    case "values":
    case "categorical":
      return spec.values;
    default:
      throw new Error(`grid cannot enumerate a ${spec.kind} range`);
  }
}

/** How many points the grid has: the product of every parameter's number of choices. */
export function gridSize(parameters: Record<string, ParameterSpec>): number {
  let size = 1;
  for (const spec of Object.values(parameters)) size *= choices(spec).length;
  return size;
}

/**
 * The grid point of trial `index`: the index written in mixed radix, the last
 * parameter changing fastest, so indices 0..size-1 visit every combination once.
 */
export function gridParams(parameters: Record<string, ParameterSpec>, index: number): TrialParams {
  const entries = Object.entries(parameters);
  const params: TrialParams = {};
  let rest = index;
  for (let i = entries.length - 1; i >= 0; i--) {
    const [name, spec] = entries[i] as [string, ParameterSpec];
    const values = choices(spec);
    params[name] = values[rest % values.length] as ParamValue;
    rest = Math.floor(rest / values.length);
  }
  // Keep the file's order of keys.
  return Object.fromEntries(entries.map(([name]) => [name, params[name] as ParamValue]));
}
