import { Type } from "@sinclair/typebox";
import { RunIo } from "./run-schemas.js";

const Count = Type.Integer({ minimum: 1, maximum: 1_000_000 });

export const DatasetVersion = Type.Object({
  name: Type.String(),
  version: Type.String({ description: '"v3"' }),
  number: Type.Integer(),
  digest: Type.String(),
  createdAt: Type.String({ description: "ISO-8601, assigned by the server" }),
  message: Type.Union([Type.String(), Type.Null()]),
  source: Type.Union([Type.String(), Type.Null()]),
  size: Type.Integer(),
  files: Type.Integer(),
});

export const DatasetNameParams = Type.Object({ name: Type.String() });
export const ManifestParams = Type.Object({ name: Type.String(), version: Type.String() });

export const AddVersionBody = Type.Object({
  manifest: Type.Unknown({ description: "A lockstep-manifest/1 object" }),
  message: Type.Optional(Type.String({ maxLength: 10_000 })),
  source: Type.Optional(Type.String({ maxLength: 10_000 })),
});

export const AddVersionResponse = Type.Object({ version: DatasetVersion, created: Type.Boolean() });
export const VersionResponse = Type.Object({ version: DatasetVersion });
export const VersionListResponse = Type.Object({ versions: Type.Array(DatasetVersion) });

export const DatasetListResponse = Type.Object({
  datasets: Type.Array(
    Type.Object({
      name: Type.String(),
      versions: Type.Integer(),
      latest: Type.Optional(DatasetVersion),
    }),
  ),
});

export const ResolveQuery = Type.Object({
  ref: Type.String({
    description: "NAME, NAME@latest, NAME@vN, NAME@<hex prefix> or NAME@<ISO date/time>",
  }),
});

export const Retention = Type.Object({
  keepLast: Type.Optional(Count),
  keepWithinDays: Type.Optional(Count),
});
export const RetentionResponse = Type.Object({ retention: Retention });

export const RunIoBody = Type.Object({
  inputs: Type.Optional(Type.Array(RunIo, { maxItems: 1000 })),
  outputs: Type.Optional(Type.Array(RunIo, { maxItems: 1000 })),
});

export const GcBody = Type.Object({
  dryRun: Type.Optional(Type.Boolean()),
  graceSeconds: Type.Optional(
    Type.Integer({ minimum: 0, description: "Spare blobs younger than this; default 3600" }),
  ),
});

export const GcResponse = Type.Object({
  deletedBlobs: Type.Integer(),
  deletedBytes: Type.Integer(),
  deletedVersions: Type.Array(
    Type.Object({ name: Type.String(), version: Type.String(), digest: Type.String() }),
  ),
  kept: Type.Integer(),
});

export const VerifyResponse = Type.Object({
  checked: Type.Integer(),
  missing: Type.Array(Type.String()),
  corrupt: Type.Array(Type.String()),
});
