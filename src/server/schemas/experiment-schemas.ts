import { Type } from "@sinclair/typebox";
import { LifecycleStage, StringMap, ViewType } from "./common-schemas.js";

export const Experiment = Type.Object({
  id: Type.String(),
  name: Type.String(),
  artifactLocation: Type.String(),
  lifecycleStage: LifecycleStage,
  tags: StringMap,
  creationTime: Type.Integer(),
  lastUpdateTime: Type.Integer(),
});

export const ExperimentResponse = Type.Object({ experiment: Experiment });

export const CreateExperimentBody = Type.Object({
  name: Type.String(),
  artifactLocation: Type.Optional(Type.String()),
  tags: Type.Optional(StringMap),
});

export const RenameExperimentBody = Type.Object({ name: Type.String() });

export const ListExperimentsQuery = Type.Object({
  filter: Type.Optional(Type.String()),
  order_by: Type.Optional(Type.Array(Type.String())),
  view_type: Type.Optional(ViewType),
  max_results: Type.Optional(Type.Integer()),
  page_token: Type.Optional(Type.String()),
});

export const ExperimentListResponse = Type.Object({
  experiments: Type.Array(Experiment),
  nextPageToken: Type.Optional(Type.String()),
});

export const ExperimentIdParams = Type.Object({ id: Type.String() });
export const ExperimentNameParams = Type.Object({ name: Type.String() });
export const ExperimentTagParams = Type.Object({ id: Type.String(), key: Type.String() });
