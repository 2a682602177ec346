import { isDigest } from "../blobs/digest.js";
import { datasetNameProblem } from "../domain/dataset.js";
import { parseVersionSelector } from "../domain/dataset-ref.js";
import { BadRequestError, NotFoundError, type ValidationIssue } from "../domain/errors.js";
import type { RunIo } from "../domain/run.js";
import type { MetadataStore } from "../store/metadata-store.js";
import type { RunService } from "./run-service.js";

export interface RunIoInput {
  inputs?: RunIo[];
  outputs?: RunIo[];
}

const MAX_CONTEXT = 250;

/**
 * What a run read and wrote. A dataset entry must name a version that exists
 * with exactly that digest: it is what protects the version from retention
 * and garbage collection, and what a reproduction will fetch.
 */
export class RunIoService {
  constructor(
    private readonly store: MetadataStore,
    private readonly runs: RunService,
  ) {}

  async record(runId: string, input: RunIoInput): Promise<void> {
    await this.runs.getWritable(runId);
    const inputs = input.inputs ?? [];
    const outputs = input.outputs ?? [];
    const issues = [
      ...inputs.flatMap((io, i) => shapeIssues(io, `inputs.${i}`)),
      ...outputs.flatMap((io, i) => shapeIssues(io, `outputs.${i}`)),
    ];
    const first = issues[0];
    if (first) throw new BadRequestError(`${first.path}: ${first.message}`, { issues });
    for (const io of [...inputs, ...outputs]) {
      if (io.kind === "dataset") await this.checkDatasetVersion(io);
    }
    if (inputs.length > 0) await this.store.runs.addIo(runId, "input", inputs);
    if (outputs.length > 0) await this.store.runs.addIo(runId, "output", outputs);
  }

  private async checkDatasetVersion(io: RunIo): Promise<void> {
    const selector = parseVersionSelector(io.version, `${io.name}@${io.version}`);
    const number = selector.kind === "number" ? selector.number : 0;
    const version = await this.store.datasets.byNumber(io.name, number);
    if (!version) throw new NotFoundError(`Dataset ${io.name} has no version ${io.version}`);
    if (version.digest !== io.digest) {
      throw new BadRequestError(
        `${io.name}@${io.version} has digest ${version.digest}, not ${io.digest}`,
      );
    }
  }
}

function shapeIssues(io: RunIo, path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (io.context.length > MAX_CONTEXT) {
    issues.push({ path: `${path}.context`, message: `must be at most ${MAX_CONTEXT} characters` });
  }
  if (io.kind !== "dataset") return issues;
  const nameProblem = datasetNameProblem(io.name);
  if (nameProblem) issues.push({ path: `${path}.name`, message: nameProblem });
  if (!/^v[1-9][0-9]{0,14}$/.test(io.version)) {
    issues.push({ path: `${path}.version`, message: 'must be a version number such as "v3"' });
  }
  if (!isDigest(io.digest)) {
    issues.push({
      path: `${path}.digest`,
      message: 'must be "sha256:" and 64 lowercase hex digits',
    });
  }
  return issues;
}
