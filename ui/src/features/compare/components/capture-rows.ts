import type { Run } from "../../../lib/api";
import type { DiffRow } from "./diff-table";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));

function pythonPackages(env: Json): string {
  const packages = obj(env.python).packages;
  if (!Array.isArray(packages)) return "";
  return packages
    .map((p) => `${str(obj(p).name)}==${str(obj(p).version)}`)
    .sort()
    .join(" ");
}

/** The facts that decide whether two runs can give the same result. */
export function captureRows(
  runs: Run[],
): Record<"code" | "data" | "seed" | "environment", DiffRow[]> {
  const pick = (label: string, f: (run: Run) => string): DiffRow => ({
    label,
    values: runs.map(f),
  });
  const code = (r: Run) => obj(r.capture?.code);
  const seed = (r: Run) => obj(r.capture?.seed);
  const env = (r: Run) => obj(r.capture?.environment);
  const derivedLabels = [...new Set(runs.flatMap((r) => Object.keys(obj(seed(r).derived))))].sort();
  const inputNames = [...new Set(runs.flatMap((r) => r.inputs.map((io) => io.name)))].sort();
  return {
    code: [
      pick("repository", (r) => str(code(r).repoUrl)),
      pick("commit", (r) => str(code(r).commit)),
      pick("branch", (r) => str(code(r).branch)),
      pick("dirty", (r) => (r.capture?.code ? (code(r).dirty ? "yes" : "no") : "")),
      pick("uncommitted diff", (r) => str(obj(code(r).diff).digest)),
      pick("entry point", (r) => str(code(r).entryPoint)),
      pick("lockfiles", (r) =>
        Array.isArray(code(r).lockfiles)
          ? (code(r).lockfiles as unknown[])
              .map((l) => `${str(obj(l).file)} ${str(obj(l).digest).slice(7, 19)}`)
              .join(", ")
          : "",
      ),
    ],
    data: inputNames.map((name) =>
      pick(`input ${name}`, (r) =>
        r.inputs
          .filter((io) => io.name === name)
          .map((io) => `${io.version} (${io.digest.slice(7, 19)})`)
          .join(", "),
      ),
    ),
    seed: [
      pick("root seed", (r) => str(seed(r).root)),
      ...derivedLabels.map((label) =>
        pick(`derived ${label}`, (r) => str(obj(seed(r).derived)[label])),
      ),
    ],
    environment: [
      pick("os", (r) => {
        const os = obj(env(r).os);
        return os.type ? `${str(os.type)} ${str(os.release)} ${str(os.arch)}` : "";
      }),
      pick("host", (r) => str(env(r).hostname)),
      pick("cpu", (r) => str(obj(env(r).cpu).model)),
      pick("node", (r) => str(obj(env(r).node).version)),
      pick("python", (r) => str(obj(env(r).python).version)),
      pick("python packages", (r) => pythonPackages(env(r))),
      pick("container", (r) => str(env(r).container)),
    ],
  };
}
