import { Type } from "@sinclair/typebox";

export const ArtifactParams = Type.Object({ id: Type.String(), "*": Type.String() });

export const ListArtifactsQuery = Type.Object({
  path: Type.Optional(Type.String({ description: 'A folder; default is the run\'s root ""' })),
});

export const ArtifactResponse = Type.Object({
  artifact: Type.Object({ path: Type.String(), size: Type.Integer(), digest: Type.String() }),
});

export const ArtifactListResponse = Type.Object({
  files: Type.Array(
    Type.Object({
      path: Type.String(),
      isDir: Type.Boolean(),
      size: Type.Optional(Type.Integer()),
      digest: Type.Optional(Type.String()),
    }),
  ),
});
