import { createHash } from "node:crypto";

/**
 * A short digest of everything that defines a listing's order and contents,
 * stored in its page tokens so a token cannot be replayed against another query.
 */
export function queryFingerprint(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 16);
}
