import { Type } from "@sinclair/typebox";
import { UNPACK_MAX } from "../../services/blob-service.js";

const Digest = Type.String({ description: '"sha256:" and 64 lowercase hex digits' });

export const UnpackBody = Type.Object({
  digests: Type.Array(Digest, { maxItems: UNPACK_MAX }),
});

export const PackUploadResponse = Type.Object({
  stored: Type.Integer({ description: "Blobs this pack wrote" }),
  present: Type.Integer({ description: "Blobs the server already held" }),
  bytes: Type.Integer(),
});
