import type { ParameterSpec, ParamValue, TrialParams } from "./sweep-spec.js";

/** A float in [0, 1). */
export type Uniform = () => number;

/** One draw from a parameter's prior: uniform on its range (in log space for log_uniform). */
export function sampleParameter(spec: ParameterSpec, next: Uniform): ParamValue {
  switch (spec.kind) {
    case "constant":
      return spec.value;
    case "values":
    case "categorical":
      return spec.values[Math.floor(next() * spec.values.length)] as ParamValue;
    case "uniform":
      return spec.min + next() * (spec.max - spec.min);
    case "log_uniform":
      return Math.exp(Math.log(spec.min) + next() * (Math.log(spec.max) - Math.log(spec.min)));
    case "int_uniform":
      return spec.min + Math.floor(next() * (spec.max - spec.min + 1));
  }
}

/** Independent draws for every parameter, in the spec's order. */
export function randomParams(
  parameters: Record<string, ParameterSpec>,
  next: Uniform,
): TrialParams {
  const params: TrialParams = {};
  for (const [name, spec] of Object.entries(parameters)) params[name] = sampleParameter(spec, next);
  return params;
}
