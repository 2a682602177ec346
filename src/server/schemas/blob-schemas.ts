import { Type } from "@sinclair/typebox";
import { MISSING_QUERY_MAX } from "../../services/blob-service.js";

const Digest = Type.String({ description: '"sha256:" and 64 lowercase hex digits' });

export const DigestParams = Type.Object({ digest: Digest });

export const MissingBlobsBody = Type.Object({
  digests: Type.Array(Digest, { maxItems: MISSING_QUERY_MAX }),
});

export const MissingBlobsResponse = Type.Object({ missing: Type.Array(Digest) });

export const StoredBlobResponse = Type.Object({ digest: Digest, size: Type.Integer() });
