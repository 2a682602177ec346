/** Row types of the model registry's tables (migration 003), merged into Database. */
export interface ModelRegistryTables {
  registered_models: RegisteredModelTable;
  registered_model_tags: { name: string; key: string; value: string };
  model_versions: ModelVersionTable;
  model_version_files: ModelVersionFileTable;
  model_version_tags: { name: string; version: number; key: string; value: string };
  model_aliases: { name: string; alias: string; version: number };
  model_alias_history: ModelAliasHistoryTable;
}

export interface RegisteredModelTable {
  name: string;
  description: string;
  /** The highest version ever created; numbers are never reused. */
  last_version: number;
  created_at: number;
  updated_at: number;
}

export interface ModelVersionTable {
  name: string;
  version: number;
  run_id: string;
  source_path: string;
  source: string;
  digest: string;
  description: string;
  status: string;
  stage: string;
  user_id: string;
  created_at: number;
  updated_at: number;
}

export interface ModelVersionFileTable {
  name: string;
  version: number;
  path: string;
  digest: string;
  size: number;
}

export interface ModelAliasHistoryTable {
  name: string;
  alias: string;
  seq: number;
  from_version: number | null;
  to_version: number | null;
  kind: string;
  user_id: string;
  at: number;
}
