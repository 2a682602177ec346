import { BadRequestError, NotFoundError } from "../domain/errors.js";
import { isRunId } from "../domain/ids.js";
import type { LineageEdge, LineageGraph, LineageNode } from "../domain/lineage.js";
import { isModelRef } from "../domain/model-ref.js";
import type { Run } from "../domain/run.js";
import type { MetadataStore } from "../store/metadata-store.js";
import { runDetails } from "./lineage-run-details.js";
import type { ModelRegistryService } from "./model-registry-service.js";

/** Resolves a dataset reference to the version string run_io records (`vN`). */
export type DatasetResolver = (ref: string) => Promise<{ name: string; version: string }>;

const MAX_NODES = 2000;

const runNode = (id: string) => `run:${id}`;
const modelNode = (name: string, version: string | number) => `model:${name}/${version}`;
const datasetNode = (name: string, version: string) => `dataset:${name}@${version}`;

/** A literal `NAME@vN`; the dataset service can resolve the other forms. */
const literalDataset: DatasetResolver = async (ref) => {
  const match = /^(.+)@(v[1-9]\d*)$/.exec(ref);
  if (!match?.[1] || !match[2]) {
    throw new BadRequestError(
      `invalid reference ${JSON.stringify(ref)}: expected a run id, models:/NAME@ALIAS, models:/NAME/VERSION or a dataset reference NAME@vN`,
    );
  }
  return { name: match[1], version: match[2] };
};

/**
 * The lineage graph around a run, model version or dataset version: upstream
 * (what it was made from) and downstream (what was made from it or used it),
 * each walked to the end.
 */
export class LineageService {
  constructor(
    private readonly store: MetadataStore,
    private readonly models: ModelRegistryService,
    private readonly resolveDataset: DatasetResolver = literalDataset,
  ) {}

  async graph(ref: string): Promise<LineageGraph> {
    const root = await this.rootOf(ref.trim());
    const walk = new Walk(this.store);
    await walk.from(root, "up");
    await walk.from(root, "down");
    return { root, nodes: [...walk.nodes.values()], edges: [...walk.edges.values()] };
  }

  private async rootOf(ref: string): Promise<string> {
    if (ref === "") throw new BadRequestError("a lineage reference must not be empty");
    if (isModelRef(ref)) {
      const version = await this.models.resolve(ref);
      return modelNode(version.name, version.version);
    }
    if (isRunId(ref)) {
      if (!(await this.store.runs.getInfo(ref))) throw new NotFoundError(`run ${ref} not found`);
      return runNode(ref);
    }
    const { name, version } = await this.resolveDataset(ref);
    return datasetNode(name, version);
  }
}

/** One traversal; nodes and edges are shared by the upward and downward passes. */
class Walk {
  readonly nodes = new Map<string, LineageNode>();
  readonly edges = new Map<string, LineageEdge>();
  private readonly runs = new Map<string, Run | undefined>();

  constructor(private readonly store: MetadataStore) {}

  private edge(from: string, to: string, kind: string): void {
    this.edges.set(`${from}\u0000${to}\u0000${kind}`, { from, to, kind });
  }

  private async run(id: string): Promise<Run | undefined> {
    if (!this.runs.has(id)) this.runs.set(id, await this.store.runs.get(id));
    return this.runs.get(id);
  }

  async from(root: string, direction: "up" | "down"): Promise<void> {
    const seen = new Set<string>();
    const queue = [root];
    while (queue.length > 0 && this.nodes.size < MAX_NODES) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const next = await this.visit(id, direction);
      queue.push(...next.filter((n) => !seen.has(n)));
    }
  }

  /** Adds the node and the edges one step away in `direction`; returns the neighbours. */
  private async visit(id: string, direction: "up" | "down"): Promise<string[]> {
    const [type, rest] = [id.slice(0, id.indexOf(":")), id.slice(id.indexOf(":") + 1)];
    if (type === "run") return this.visitRun(rest, direction);
    if (type === "model") return this.visitModel(id, rest, direction);
    if (type === "dataset") return this.visitDataset(id, rest, direction);
    return [];
  }

  private async visitRun(runId: string, direction: "up" | "down"): Promise<string[]> {
    const run = await this.run(runId);
    const id = runNode(runId);
    if (!run) {
      this.nodes.set(id, { id, type: "run", label: `${runId} (missing)` });
      return [];
    }
    this.nodes.set(id, {
      id,
      type: "run",
      label: `${run.name} (${run.kind}, ${run.status})`,
      details: runDetails(run),
    });
    const out: string[] = [];
    if (direction === "up") {
      for (const io of run.inputs) {
        const from =
          io.kind === "model" ? modelNode(io.name, io.version) : datasetNode(io.name, io.version);
        this.edge(from, id, "input");
        out.push(from);
      }
      const code = (run.capture?.code ?? {}) as {
        commit?: unknown;
        branch?: unknown;
        dirty?: unknown;
      };
      const commit =
        typeof code.commit === "string" ? code.commit : run.tags["mlflow.source.git.commit"];
      if (commit) {
        const node = `commit:${commit}`;
        const branch = typeof code.branch === "string" ? ` (${code.branch})` : "";
        const dirty = code.dirty === true ? " +diff" : "";
        this.nodes.set(node, {
          id: node,
          type: "commit",
          label: `${commit.slice(0, 12)}${branch}${dirty}`,
        });
        this.edge(node, id, "code");
      }
      if (run.parentId) {
        this.edge(runNode(run.parentId), id, "parent");
        out.push(runNode(run.parentId));
      }
    } else {
      for (const io of run.outputs) {
        const to =
          io.kind === "model" ? modelNode(io.name, io.version) : datasetNode(io.name, io.version);
        this.edge(id, to, io.kind === "model" ? "registered" : "output");
        out.push(to);
      }
      for (const child of await this.store.runs.children(runId)) {
        this.edge(id, runNode(child.id), "parent");
        out.push(runNode(child.id));
      }
    }
    return out;
  }

  private async visitModel(id: string, rest: string, direction: "up" | "down"): Promise<string[]> {
    const slash = rest.lastIndexOf("/");
    const name = rest.slice(0, slash);
    const number = Number(rest.slice(slash + 1));
    const version = Number.isSafeInteger(number)
      ? await this.store.models.getVersion(name, number)
      : undefined;
    const aliases = version && version.aliases.length > 0 ? ` [${version.aliases.join(", ")}]` : "";
    this.nodes.set(id, {
      id,
      type: "model_version",
      label: version
        ? `${name} v${number}${aliases}`
        : `${name} v${rest.slice(slash + 1)} (deleted)`,
    });
    if (direction === "up") {
      if (!version) return [];
      this.edge(runNode(version.runId), id, "registered");
      return [runNode(version.runId)];
    }
    return this.users(id, "model", name, rest.slice(slash + 1));
  }

  private async visitDataset(
    id: string,
    rest: string,
    direction: "up" | "down",
  ): Promise<string[]> {
    const at = rest.lastIndexOf("@");
    const name = rest.slice(0, at);
    const version = rest.slice(at + 1);
    this.nodes.set(id, { id, type: "dataset_version", label: `${name}@${version}` });
    if (direction === "down") return this.users(id, "dataset", name, version);
    const makers = (await this.store.models.ioUses("dataset", name, version)).filter(
      (u) => u.direction === "output",
    );
    for (const use of makers) this.edge(runNode(use.runId), id, "output");
    return makers.map((u) => runNode(u.runId));
  }

  /** Runs that read this model or dataset version. */
  private async users(id: string, kind: "model" | "dataset", name: string, version: string) {
    const readers = (await this.store.models.ioUses(kind, name, version)).filter(
      (u) => u.direction === "input",
    );
    for (const use of readers) this.edge(id, runNode(use.runId), "input");
    return readers.map((u) => runNode(u.runId));
  }
}
