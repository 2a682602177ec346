import { arrayAt, objectAt, rootSeedOf, textAt } from "./capture-fields.js";
import { factorOf, recordDifferences } from "./difference-list.js";
import { environmentDifferences } from "./environment-diff.js";
import type { Difference, Factors, RunSnapshot } from "./reproduction-types.js";

type RunPart = RunSnapshot["run"];

/** Code, data, seed, params and environment of run A against run B: `same` or what differs. */
export function compareFactors(a: RunPart, b: RunPart): Factors {
  return {
    code: factorOf(codeDifferences(a, b)),
    data: factorOf(recordDifferences(inputs(a), inputs(b))),
    seed: factorOf(seedDifferences(a, b)),
    params: factorOf(recordDifferences(userParams(a), userParams(b), (k) => `param ${k}`)),
    environment: factorOf(
      environmentDifferences(
        { capture: a.capture, tags: a.tags },
        { capture: b.capture, tags: b.tags },
      ),
    ),
  };
}

/** True when every factor is `same`. */
export function allSame(factors: Factors): boolean {
  return Object.values(factors).every((f) => f === "same");
}

function codeDifferences(a: RunPart, b: RunPart): Difference[] {
  const out: Difference[] = [];
  const push = (item: string, va: string | null, vb: string | null) => {
    if (va !== vb) out.push({ item, a: va, b: vb });
  };
  push("commit", textAt(a.capture, "code", "commit"), textAt(b.capture, "code", "commit"));
  push("uncommitted changes", uncommitted(a), uncommitted(b));
  push(
    "folder in repository",
    textAt(a.capture, "code", "pathInRepo"),
    textAt(b.capture, "code", "pathInRepo"),
  );
  push("command", command(a), command(b));
  return out;
}

/** The patch digest; `none` for a clean tree; why it is missing when it is. */
function uncommitted(run: RunPart): string | null {
  const code = objectAt(run.capture, "code");
  if (!code) return null;
  const digest = textAt(code, "diff", "digest");
  if (digest) return digest;
  if (code.dirty === true) return `not recorded (${textAt(code, "diffOmitted") ?? "unknown"})`;
  return "none";
}

/**
 * The command line with the repository's own location written as `<repo>`:
 * the same script run from another checkout is the same command.
 */
function command(run: RunPart): string | null {
  const argv = arrayAt(run.capture, "code", "argv").map(String);
  if (argv.length === 0) return null;
  const root = repoRootOf(run.capture);
  const shown = argv.map((arg) =>
    root && (arg === root || arg.startsWith(`${root}/`)) ? `<repo>${arg.slice(root.length)}` : arg,
  );
  return JSON.stringify(shown);
}

/** The repository's top folder when the run was recorded: the cwd minus the path in the repo. */
export function repoRootOf(capture: unknown): string | null {
  const cwd = textAt(capture, "code", "cwd");
  const inRepo = textAt(capture, "code", "pathInRepo");
  if (!cwd || inRepo === null) return null;
  if (inRepo === "") return cwd;
  return cwd.endsWith(`/${inRepo}`) ? cwd.slice(0, -inRepo.length - 1) : null;
}

/** The datasets (and models) a run read, by name: version and digest. */
function inputs(run: RunPart): Record<string, string> {
  const out: Record<string, string> = {};
  for (const io of run.inputs) out[`${io.kind} ${io.name}`] = `${io.version} (${io.digest})`;
  return out;
}

function seedDifferences(a: RunPart, b: RunPart): Difference[] {
  const [sa, sb] = [rootSeedOf(a.capture, a.tags), rootSeedOf(b.capture, b.tags)];
  return sa === sb ? [] : [{ item: "root seed", a: sa, b: sb }];
}

/** Params without `seed`, which `lockstep run` copies from the root seed (its own factor). */
function userParams(run: RunPart): Record<string, string> {
  const { seed: _seed, ...rest } = run.params;
  return rest;
}
