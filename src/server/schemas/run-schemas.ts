import { Type } from "@sinclair/typebox";
import { RUN_KINDS, RUN_STATUSES } from "../../domain/run.js";
import { LifecycleStage, MetricValue, StringMap, ViewType } from "./common-schemas.js";

export const RunStatus = Type.Union(RUN_STATUSES.map((s) => Type.Literal(s)));
export const RunKind = Type.Union(RUN_KINDS.map((k) => Type.Literal(k)));

export const RunIo = Type.Object({
  kind: Type.Union([Type.Literal("dataset"), Type.Literal("model")]),
  name: Type.String(),
  version: Type.String(),
  digest: Type.String(),
  context: Type.String(),
});

export const Run = Type.Object({
  id: Type.String(),
  experimentId: Type.String(),
  name: Type.String(),
  status: RunStatus,
  kind: RunKind,
  parentId: Type.Union([Type.String(), Type.Null()]),
  userId: Type.String(),
  startTime: Type.Integer(),
  endTime: Type.Union([Type.Integer(), Type.Null()]),
  lifecycleStage: LifecycleStage,
  artifactUri: Type.String(),
  params: StringMap,
  tags: StringMap,
  metrics: Type.Record(Type.String(), MetricValue),
  inputs: Type.Array(RunIo),
  outputs: Type.Array(RunIo),
  capture: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const RunResponse = Type.Object({ run: Run });
export const RunListResponse = Type.Object({
  runs: Type.Array(Run),
  nextPageToken: Type.Optional(Type.String()),
});

const ExperimentId = Type.String({ pattern: "^[0-9]{1,18}$", description: "A decimal string" });
const Millis = Type.Integer({ minimum: 0, description: "Milliseconds since the epoch" });

export const CreateRunBody = Type.Object({
  experimentId: Type.Optional(ExperimentId),
  experimentName: Type.Optional(Type.String({ minLength: 1 })),
  name: Type.Optional(Type.String()),
  parentId: Type.Optional(Type.String()),
  kind: Type.Optional(RunKind),
  userId: Type.Optional(Type.String()),
  startTime: Type.Optional(Millis),
  tags: Type.Optional(StringMap),
  params: Type.Optional(StringMap),
});

export const UpdateRunBody = Type.Object({
  status: Type.Optional(RunStatus),
  endTime: Type.Optional(Type.Union([Millis, Type.Null()])),
  name: Type.Optional(Type.String()),
});

export const SearchRunsBody = Type.Object({
  experimentIds: Type.Optional(Type.Array(Type.String())),
  filter: Type.Optional(Type.String()),
  orderBy: Type.Optional(Type.Array(Type.String())),
  viewType: Type.Optional(ViewType),
  maxResults: Type.Optional(Type.Integer()),
  pageToken: Type.Optional(Type.String()),
});

export const ParamsBody = Type.Object({ params: StringMap });

export const RunTagParams = Type.Object({ id: Type.String(), key: Type.String() });

export const CaptureBody = Type.Record(Type.String(), Type.Unknown(), {
  description: "What the run records about itself: code, seed, environment, data",
});
