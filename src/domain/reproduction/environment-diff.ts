import { arrayAt, objectAt, rootSeedOf, stringRecordAt, textAt } from "./capture-fields.js";
import { recordDifferences } from "./difference-list.js";
import type { Difference, EnvironmentDifference, Likelihood } from "./reproduction-types.js";

const ORDER: Record<Likelihood, number> = { high: 0, medium: 1, low: 2 };

/** Variables that change results: thread counts, framework switches, GPU selection. */
const INFLUENTIAL_VARIABLE =
  /^(OMP_|MKL_|OPENBLAS_|NUMEXPR_|VECLIB_|KMP_|CUDA_|CUDNN_|NCCL_|TF_|TORCH_|PYTORCH_|XLA_|JAX_|CUBLAS_|PYTHONHASHSEED$|PYTHONPATH$|NVIDIA_|HIP_)/;
/** Set per run by Lockstep itself (run id, tracking server, cache folders): never a cause. */
const PER_RUN_VARIABLE = /^(LOCKSTEP_|MLFLOW_)/;

type Capture = Record<string, unknown> | undefined;

/**
 * What differs between two runs' environments, most likely to matter first:
 * runtime and library versions and lockfile digests, then the machine and
 * influential variables, then incidental details with the hostname last.
 */
export function environmentDifferences(
  a: { capture: Capture; tags: Record<string, string> },
  b: { capture: Capture; tags: Record<string, string> },
): EnvironmentDifference[] {
  const found: EnvironmentDifference[] = [];
  const add = (likelihood: Likelihood, differences: Difference[]) => {
    for (const d of differences) found.push({ ...d, likelihood });
  };
  const ea = objectAt(a.capture, "environment");
  const eb = objectAt(b.capture, "environment");

  add("high", pick(ea, eb, ["python", "version"], "python version"));
  add("high", pick(ea, eb, ["python", "implementation"], "python implementation"));
  add("high", pick(ea, eb, ["node", "version"], "node version"));
  add(
    "high",
    recordDifferences(lockfiles(a.capture), lockfiles(b.capture), (f) => `lockfile ${f}`),
  );
  add(
    "high",
    recordDifferences(pythonPackages(ea), pythonPackages(eb), (p) => `python package ${p}`),
  );
  add("medium", pick(ea, eb, ["os", "platform"], "os platform"));
  add("medium", pick(ea, eb, ["os", "release"], "os release"));
  add("medium", pick(ea, eb, ["os", "arch"], "cpu architecture"));
  add("medium", pick(ea, eb, ["cpu", "model"], "cpu model"));
  add("medium", pick(ea, eb, ["cpu", "count"], "cpu count"));
  add("medium", pick(ea, eb, ["gpus"], "gpus"));
  add("medium", pick(ea, eb, ["container"], "container"));
  const [va, vb] = [variables(a), variables(b)];
  for (const d of recordDifferences(va, vb, (name) => `variable ${name}`)) {
    add(INFLUENTIAL_VARIABLE.test(d.item.slice("variable ".length)) ? "medium" : "low", [d]);
  }
  add("low", pick(ea, eb, ["os", "version"], "os build"));
  add("low", pick(ea, eb, ["python", "executable"], "python executable"));
  add("low", pick(ea, eb, ["memory", "totalBytes"], "memory"));
  add("low", pick(ea, eb, ["hostname"], "hostname"));
  // A stable sort keeps the order above within each likelihood.
  return found.sort((x, y) => ORDER[x.likelihood] - ORDER[y.likelihood]);
}

function pick(a: unknown, b: unknown, path: string[], item: string): Difference[] {
  const [va, vb] = [textAt(a, ...path), textAt(b, ...path)];
  return va === vb ? [] : [{ item, a: va, b: vb }];
}

function lockfiles(capture: Capture): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of arrayAt(capture, "code", "lockfiles")) {
    const file = textAt(entry, "file");
    const digest = textAt(entry, "digest");
    if (file && digest) out[file] = digest;
  }
  return out;
}

function pythonPackages(environment: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of arrayAt(environment, "python", "packages")) {
    const name = textAt(entry, "name");
    const version = textAt(entry, "version");
    if (name && version) out[name.toLowerCase()] = version;
  }
  return out;
}

/** Recorded variables that could explain a difference: not Lockstep's own, not the seed again. */
function variables(run: {
  capture: Capture;
  tags: Record<string, string>;
}): Record<string, string> {
  const all = stringRecordAt(run.capture, "environment", "variables");
  const seed = rootSeedOf(run.capture, run.tags);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(all)) {
    if (PER_RUN_VARIABLE.test(name)) continue;
    // Lockstep sets PYTHONHASHSEED to the root seed; the seed factor already covers it.
    if (name === "PYTHONHASHSEED" && value === seed) continue;
    out[name] = value;
  }
  return out;
}
