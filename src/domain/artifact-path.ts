import { BadRequestError } from "./errors.js";

/** Longest artifact path accepted, in UTF-16 code units. */
export const ARTIFACT_PATH_MAX_LENGTH = 1024;

// Control characters (C0, DEL, C1), and lone surrogates, which have no UTF-8 encoding.
const FORBIDDEN_CHARACTER = /[\p{Cc}\p{Cs}]/u;
const WINDOWS_DRIVE = /^[a-z]:/i;

/**
 * Checks an artifact path from outside and returns it as a relative,
 * `/`-separated path that stays inside its run's root however it is joined.
 * Rejects rather than repairs: a path that needs rewriting is a client bug.
 */
export function normaliseArtifactPath(raw: string): string {
  const reason = problemWith(raw);
  if (reason !== undefined) throw invalid(raw, reason);
  // Every accepted path is already in normal form, so it comes back unchanged.
  return raw;
}

/** Like `normaliseArtifactPath`, and also accepts "" for the run's root. */
export function normaliseArtifactFolder(raw: string): string {
  return raw === "" ? "" : normaliseArtifactPath(raw);
}

function problemWith(raw: string): string | undefined {
  if (raw === "") return "must not be empty";
  if (raw.length > ARTIFACT_PATH_MAX_LENGTH) {
    return `must be at most ${ARTIFACT_PATH_MAX_LENGTH} characters`;
  }
  if (FORBIDDEN_CHARACTER.test(raw)) return "must not contain NUL or other control characters";
  if (raw.includes("\\")) return 'must use "/" as separator, not "\\"';
  if (raw.startsWith("/") || WINDOWS_DRIVE.test(raw)) return "must be relative";
  for (const segment of raw.split("/")) {
    if (segment === "") return "must not contain empty segments";
    if (segment === "." || segment === "..") return `must not contain "${segment}" segments`;
  }
  return undefined;
}

function invalid(raw: string, reason: string): BadRequestError {
  const shown = raw.length > 100 ? `${raw.slice(0, 100)}…` : raw;
  return new BadRequestError(`Invalid artifact path ${JSON.stringify(shown)}: ${reason}`, {
    issues: [{ path: "path", message: reason }],
  });
}
