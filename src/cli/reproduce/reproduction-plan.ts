import { determinismEnv } from "../../capture/determinism-env.js";
import { REDACTED } from "../../capture/secret-filter.js";
import { arrayAt, stringRecordAt } from "../../domain/reproduction/capture-fields.js";
import type { MissingItem } from "../../domain/reproduction/reproduction-report.js";
import type { Run } from "../../domain/run.js";

/** What `lockstep run` is given to repeat a recorded run. */
export interface RunPlan {
  argv: string[];
  params: Record<string, string>;
  outputs: string[];
  /** Recorded variables beyond those `lockstep run` exports for the seed itself. */
  extraEnv: Record<string, string>;
}

/**
 * The recorded command line, params, `--output` paths and determinism
 * settings. Arguments that named the recorded checkout are pointed at the
 * new one; a command line with redacted arguments cannot be repeated.
 */
export function planRun(
  run: Run,
  where: { recordedRoot: string | null; checkoutRoot: string },
): RunPlan | MissingItem {
  const argv = arrayAt(run.capture, "code", "argv").map(String);
  if (argv.length === 0) {
    return { factor: "code", item: "command", detail: "the run recorded no command line" };
  }
  if (argv.some((arg) => arg.includes(REDACTED))) {
    const detail = "the recorded command line has arguments that were redacted as secrets";
    return { factor: "code", item: "command", detail };
  }
  const root = where.recordedRoot;
  const moved = argv.map((arg) =>
    root && (arg === root || arg.startsWith(`${root}/`))
      ? `${where.checkoutRoot}${arg.slice(root.length)}`
      : arg,
  );
  const seed = run.params.seed;
  const { seed: _seed, ...rest } = run.params;
  // `lockstep run` records the root seed as the param `seed`; it comes back through --seed.
  const params = seed === run.tags["lockstep.seed"] ? rest : run.params;
  const recorded = stringRecordAt(run.capture, "seed", "determinismEnv");
  const standard = determinismEnv(0);
  const extraEnv = Object.fromEntries(
    Object.entries(recorded).filter(([name]) => !(name in standard)),
  );
  return { argv: moved, params, outputs: outputsOf(run), extraEnv };
}

function outputsOf(run: Run): string[] {
  try {
    const parsed: unknown = JSON.parse(run.tags["lockstep.outputs"] ?? "[]");
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}
