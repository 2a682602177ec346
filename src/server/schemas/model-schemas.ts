import { Type } from "@sinclair/typebox";
import { MODEL_STAGES } from "../../domain/registered-model.js";
import { MetricValue, StringMap } from "./common-schemas.js";

export const ModelStage = Type.Union(MODEL_STAGES.map((s) => Type.Literal(s)));

export const RegisteredModel = Type.Object({
  name: Type.String(),
  description: Type.String(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  tags: StringMap,
  aliases: Type.Record(Type.String(), Type.Integer()),
  latestVersion: Type.Union([Type.Integer(), Type.Null()]),
});

export const ModelVersionFile = Type.Object({
  path: Type.String(),
  digest: Type.String(),
  size: Type.Integer(),
});

export const ModelVersion = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  runId: Type.String(),
  sourcePath: Type.String(),
  source: Type.String(),
  digest: Type.String(),
  description: Type.String(),
  status: Type.Literal("READY"),
  stage: ModelStage,
  userId: Type.String(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  tags: StringMap,
  aliases: Type.Array(Type.String()),
  files: Type.Optional(Type.Array(ModelVersionFile)),
  /** The source run's latest metrics, on listings, so candidates can be compared. */
  runMetrics: Type.Optional(Type.Record(Type.String(), MetricValue)),
});

export const AliasMove = Type.Object({
  seq: Type.Integer(),
  name: Type.String(),
  alias: Type.String(),
  fromVersion: Type.Union([Type.Integer(), Type.Null()]),
  toVersion: Type.Union([Type.Integer(), Type.Null()]),
  kind: Type.Union([Type.Literal("set"), Type.Literal("delete"), Type.Literal("rollback")]),
  user: Type.String(),
  at: Type.Integer(),
});

export const ModelResponse = Type.Object({ model: RegisteredModel });
export const ModelListResponse = Type.Object({
  models: Type.Array(RegisteredModel),
  nextPageToken: Type.Optional(Type.String()),
});
export const VersionResponse = Type.Object({ version: ModelVersion });
export const VersionListResponse = Type.Object({ versions: Type.Array(ModelVersion) });
export const AliasMoveResponse = Type.Object({
  move: Type.Union([AliasMove, Type.Null()]),
});
export const AliasHistoryResponse = Type.Object({ history: Type.Array(AliasMove) });

export const ModelNameParams = Type.Object({ name: Type.String() });
export const VersionParams = Type.Object({
  name: Type.String(),
  version: Type.String({ pattern: "^[1-9][0-9]{0,15}$" }),
});
export const VersionFileParams = Type.Object({
  name: Type.String(),
  version: Type.String({ pattern: "^[1-9][0-9]{0,15}$" }),
  "*": Type.String(),
});
export const AliasParams = Type.Object({ name: Type.String(), alias: Type.String() });

export const ListModelsQuery = Type.Object({
  filter: Type.Optional(Type.String()),
  max_results: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  page_token: Type.Optional(Type.String()),
});

export const CreateModelBody = Type.Object({
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  tags: Type.Optional(StringMap),
});

export const RegisterVersionBody = Type.Object({
  runId: Type.String({ minLength: 1 }),
  path: Type.String(),
  description: Type.Optional(Type.String()),
  tags: Type.Optional(StringMap),
  userId: Type.Optional(Type.String()),
});

export const SetAliasBody = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  user: Type.Optional(Type.String()),
});

export const AliasUserBody = Type.Object({ user: Type.Optional(Type.String()) });

export const ResolveQuery = Type.Object({ ref: Type.String({ minLength: 1 }) });

export const LineageGraph = Type.Object({
  root: Type.String(),
  nodes: Type.Array(
    Type.Object({
      id: Type.String(),
      type: Type.Union([
        Type.Literal("run"),
        Type.Literal("model_version"),
        Type.Literal("dataset_version"),
        Type.Literal("commit"),
      ]),
      label: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.String())),
    }),
  ),
  edges: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), kind: Type.String() })),
});
