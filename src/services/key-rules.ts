import { BadRequestError } from "../domain/errors.js";
import { KEY_PATTERN, LIMITS } from "../domain/limits.js";

/** What a key or value belongs to, for messages: "param", "run tag", "metric"… */
export type KeyKind = "metric" | "param" | "run tag" | "experiment tag";

/** Shortens user input quoted in an error message. */
export function quote(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/**
 * MLflow's key rules: non-empty, at most 250 characters of `[/\w.\- :]`, and
 * no key that a path normaliser would turn into another (`a/../b`, `a//b`, `a/`).
 */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return "must not be empty";
  if (key.length > LIMITS.keyLength) {
    return `must be at most ${LIMITS.keyLength} characters (got ${key.length})`;
  }
  if (!KEY_PATTERN.test(key)) {
    return "may contain only letters, digits, '_', '-', '.', ' ', ':' and '/'";
  }
  if (key.includes("//") || key.endsWith("/")) return "must not contain empty path segments";
  for (const segment of key.split("/")) {
    if (segment === "." || segment === "..") return "must not contain '.' or '..' path segments";
  }
  return undefined;
}

export function checkKey(kind: KeyKind, key: string, path = "key"): void {
  const problem = keyProblem(key);
  if (problem) {
    const message = `invalid ${kind} key ${quote(key)}: ${problem}`;
    throw new BadRequestError(message, { issues: [{ path, message: problem }] });
  }
}

export function checkLength(options: {
  what: string;
  value: string;
  max: number;
  path: string;
}): void {
  const { what, value, max, path } = options;
  if (value.length > max) {
    const problem = `must be at most ${max} characters (got ${value.length})`;
    throw new BadRequestError(`${what} ${problem}`, { issues: [{ path, message: problem }] });
  }
}

/** Checks every key and value of a string map (params, tags). */
export function checkStringMap(options: {
  kind: KeyKind;
  map: Record<string, string>;
  maxValueLength: number;
  path: string;
}): void {
  const { kind, map, maxValueLength, path } = options;
  for (const key of Object.keys(map)) {
    checkKey(kind, key, `${path}.${key}`);
    checkLength({
      what: `${kind} ${quote(key)} value`,
      value: map[key] ?? "",
      max: maxValueLength,
      path: `${path}.${key}`,
    });
  }
}
