import type { ModelVersion, RegisteredModel } from "../../domain/registered-model.js";

const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));

/** A model version as MLflow's protos have it: `version` a string, status READY. */
export function versionToMlflow(v: ModelVersion) {
  return {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.createdAt,
    last_updated_timestamp: v.updatedAt,
    user_id: v.userId,
    current_stage: v.stage,
    description: v.description,
    source: v.source,
    run_id: v.runId,
    run_link: "",
    status: v.status,
    tags: tagList(v.tags),
    aliases: v.aliases,
  };
}

export function modelToMlflow(m: RegisteredModel, latest: ModelVersion[] = []) {
  return {
    name: m.name,
    creation_timestamp: m.createdAt,
    last_updated_timestamp: m.updatedAt,
    description: m.description,
    latest_versions: latest.map(versionToMlflow),
    tags: tagList(m.tags),
    aliases: Object.entries(m.aliases).map(([alias, version]) => ({
      alias,
      version: String(version),
    })),
  };
}

/** The latest version in each stage (all stages unless some are named), as get-latest-versions answers. */
export function latestPerStage(versions: ModelVersion[], stages: string[]): ModelVersion[] {
  const wanted = new Set(stages.map((s) => s.toLowerCase()));
  const best = new Map<string, ModelVersion>();
  for (const v of versions) {
    if (wanted.size > 0 && !wanted.has(v.stage.toLowerCase())) continue;
    const current = best.get(v.stage);
    if (!current || v.version > current.version) best.set(v.stage, v);
  }
  return [...best.values()].sort((a, b) => a.version - b.version);
}

/**
 * The run and artifact path a version's `source` names: `runs:/RUN/PATH`,
 * `mlflow-artifacts:/EXP/RUN/artifacts/PATH`, or any URI holding `/RUN/artifacts/`.
 */
export function sourceLocation(
  source: string,
  runId: string | undefined,
): { runId: string; path: string } | undefined {
  const runs = /^runs:\/([0-9a-f]{32})(?:\/(.*))?$/.exec(source);
  if (runs?.[1]) return { runId: runs[1], path: runs[2] ?? "" };
  const artifacts = /\/([0-9a-f]{32})\/artifacts(?:\/(.*))?$/.exec(source);
  if (artifacts?.[1] && (!runId || artifacts[1] === runId))
    return { runId: artifacts[1], path: artifacts[2] ?? "" };
  return undefined;
}
