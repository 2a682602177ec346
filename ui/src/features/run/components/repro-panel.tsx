import { DiffView } from "../../../components/ui/diff-view";
import { KeyValueTable } from "../../../components/ui/key-value-table";
import { artifactUrl, type Run } from "../../../lib/api";
import { formatBytes } from "../../../lib/format";
import { Link } from "../../../lib/router";
import { useArtifactText } from "../api/get-artifact-text";
import { ReproductionsSection } from "./reproductions-section";

export const PATCH_PATH = "lockstep/code.patch";

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string => (v === null || v === undefined ? "—" : String(v));

function CodeSection({ runId, code }: { runId: string; code: Json | undefined }) {
  const hasDiff = obj(code?.diff) !== undefined;
  const patch = useArtifactText(runId, hasDiff ? PATCH_PATH : undefined);
  if (!code) return <p className="muted">No code captured.</p>;
  const diff = obj(code.diff);
  return (
    <>
      <KeyValueTable
        label="Code"
        entries={[
          ["repository", str(code.repoUrl)],
          ["commit", str(code.commit)],
          ["branch", code.detached === true ? "(detached)" : str(code.branch)],
          ["dirty", code.dirty === true ? "yes — uncommitted changes" : "no"],
          ["entry point", str(code.entryPoint)],
          ["command", Array.isArray(code.argv) ? code.argv.join(" ") : "—"],
        ]}
      />
      {typeof code.diffOmitted === "string" ? (
        <p className="muted">Diff not kept: {code.diffOmitted}</p>
      ) : null}
      {diff ? (
        <div>
          <p>
            Uncommitted changes ({formatBytes(Number(diff.size))}) ·{" "}
            <a href={artifactUrl(runId, PATCH_PATH)} download="code.patch">
              download code.patch
            </a>
          </p>
          {patch.data ? <DiffView text={patch.data.text} /> : null}
          {!patch.loading && !patch.data ? (
            <p className="muted">The patch artifact is missing.</p>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

function SeedSection({ seed }: { seed: Json | undefined }) {
  if (!seed) return <p className="muted">No seed captured.</p>;
  const derived = Object.entries(obj(seed.derived) ?? {}).map(
    ([label, value]) => [label, str(value)] as [string, string],
  );
  return (
    <>
      <KeyValueTable
        label="Seed"
        entries={[
          ["root seed", str(seed.root)],
          ["source", str(seed.source)],
          ["algorithm", str(seed.algorithm)],
        ]}
      />
      <h4>Derived seeds</h4>
      <KeyValueTable label="Derived seeds" entries={derived} />
    </>
  );
}

function environmentSummary(env: Json): [string, string][] {
  const os = obj(env.os);
  const cpu = obj(env.cpu);
  const memory = obj(env.memory);
  const python = obj(env.python);
  const gpus = Array.isArray(env.gpus) ? env.gpus.map((g) => str(obj(g)?.name)) : null;
  return [
    ["os", os ? `${str(os.type)} ${str(os.release)} (${str(os.arch)})` : "—"],
    ["host", str(env.hostname)],
    ["cpu", cpu ? `${str(cpu.model)} × ${str(cpu.count)}` : "—"],
    ["memory", memory ? formatBytes(Number(memory.totalBytes)) : "—"],
    ["gpus", gpus === null ? "no nvidia-smi" : gpus.length ? gpus.join(", ") : "none"],
    ["node", str(obj(env.node)?.version)],
    [
      "python",
      python
        ? `${str(python.version)} (${Array.isArray(python.packages) ? python.packages.length : 0} packages)`
        : "—",
    ],
    ["container", str(env.container ?? "none")],
  ];
}

/** Everything needed to re-run: code, seed, data and environment, as captured. */
export function ReproPanel({ run }: { run: Run }) {
  const capture = run.capture ?? {};
  const env = obj(capture.environment);
  return (
    <div className="repro">
      <section aria-labelledby="repro-code">
        <h3 id="repro-code">Code</h3>
        <CodeSection runId={run.id} code={obj(capture.code)} />
      </section>
      <section aria-labelledby="repro-seed">
        <h3 id="repro-seed">Seed</h3>
        <SeedSection seed={obj(capture.seed)} />
      </section>
      <section aria-labelledby="repro-data">
        <h3 id="repro-data">Data inputs</h3>
        {run.inputs.length === 0 ? <p className="muted">No inputs recorded.</p> : null}
        <ul>
          {run.inputs.map((io) => (
            <li key={`${io.name}@${io.version}:${io.context}`}>
              <Link
                href={`/${io.kind === "model" ? "models" : "datasets"}/${encodeURIComponent(io.name)}?version=${encodeURIComponent(io.version)}`}
              >
                {io.name}@{io.version}
              </Link>{" "}
              <span className="muted">
                {io.context} · {io.digest.slice(0, 19)}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="repro-runs">
        <h3 id="repro-runs">Reproductions</h3>
        <ReproductionsSection runId={run.id} />
      </section>
      <section aria-labelledby="repro-env">
        <h3 id="repro-env">Environment</h3>
        {env ? (
          <KeyValueTable label="Environment" entries={environmentSummary(env)} />
        ) : (
          <p className="muted">No environment captured.</p>
        )}
      </section>
    </div>
  );
}
