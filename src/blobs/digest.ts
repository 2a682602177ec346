import { createHash, type Hash } from "node:crypto";
import { Transform } from "node:stream";
import { BadRequestError } from "../domain/errors.js";
import { BlobCorruptError } from "./blob-store.js";

/** A blob digest: `sha256:` and 64 lowercase hex digits. */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

const PREFIX = "sha256:";

export function isDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value);
}

/**
 * Checks a digest that came from outside and returns its hex part. Only the
 * canonical lowercase form is accepted so that one blob has one name.
 */
export function parseDigest(value: string): { algorithm: "sha256"; hex: string } {
  if (!isDigest(value)) {
    const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
    throw new BadRequestError(
      `Invalid digest ${JSON.stringify(shown)}: expected "sha256:" and 64 lowercase hex digits`,
    );
  }
  return { algorithm: "sha256", hex: value.slice(PREFIX.length) };
}

export function formatDigest(hex: string): string {
  return `${PREFIX}${hex}`;
}

/** The hash function behind digests; pair with digestFromHash. */
export function createDigestHash(): Hash {
  return createHash("sha256");
}

export function digestFromHash(hash: Hash): string {
  return formatDigest(hash.digest("hex"));
}

export function digestOf(bytes: Uint8Array): string {
  return digestFromHash(createDigestHash().update(bytes));
}

/**
 * A pass-through stream that re-hashes what flows through it. It holds back
 * the last chunk until the digest is checked, so a corrupt blob never reaches
 * a reader complete: the stream fails with `BlobCorruptError` instead.
 */
export function createVerifyingStream(digest: string): Transform {
  const hash = createDigestHash();
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback) {
      const actual = digestFromHash(hash);
      if (actual !== digest) {
        callback(new BlobCorruptError(digest, actual));
        return;
      }
      callback(null, held);
    },
  });
}
