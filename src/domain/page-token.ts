import { BadRequestError } from "./errors.js";

/**
 * Page tokens are opaque to clients: base64url JSON of an offset plus a
 * fingerprint of the query, so a token replayed against another query is
 * refused rather than silently returning the wrong page.
 */
export function encodePageToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint })).toString("base64url");
}

export function decodePageToken(token: string | undefined, fingerprint: string): number {
  if (token === undefined || token === "") return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch (cause) {
    throw new BadRequestError("invalid page token", { cause });
  }
  const { o, f } = (parsed ?? {}) as { o?: unknown; f?: unknown };
  if (typeof o !== "number" || !Number.isSafeInteger(o) || o < 0) {
    throw new BadRequestError("invalid page token");
  }
  if (f !== fingerprint) {
    throw new BadRequestError("page token belongs to a different query");
  }
  return o;
}
