import { createHash } from "node:crypto";
import type { AliasMove, ModelVersionFile } from "./registered-model.js";

/** MLflow's alias rules: `^[\w\-]*$`, at most 255 characters, `latest` and `v<digits>` reserved. */
export function aliasProblem(alias: string): string | undefined {
  if (alias.length === 0) return "must not be empty";
  if (alias.length > 255) return `must be at most 255 characters (got ${alias.length})`;
  if (!/^[\w-]*$/.test(alias)) return "may contain only letters, digits, '_' and '-'";
  const lower = alias.toLowerCase();
  if (lower === "latest" || /^v\d+$/.test(lower)) return "is reserved";
  return undefined;
}

/** Registered model names: non-empty, at most 256 characters, no '/' or ':' (they break URIs). */
export function modelNameProblem(name: string): string | undefined {
  if (name.trim().length === 0) return "must not be empty";
  if (name.length > 256) return `must be at most 256 characters (got ${name.length})`;
  if (/[/:@%]/.test(name)) return "must not contain '/', ':', '@' or '%'";
  return undefined;
}

/** The digest of a version: sha256 over its sorted `path\0digest\n` lines. */
export function modelVersionDigest(files: ModelVersionFile[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${file.path}\0${file.digest}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}

/**
 * The move a rollback undoes: replaying the history as a stack (a set or
 * delete pushes, a rollback pops), the top is the latest move not yet undone.
 * Rolling back twice therefore walks back two moves rather than toggling.
 */
export function moveToUndo(history: AliasMove[]): AliasMove | undefined {
  const stack: AliasMove[] = [];
  for (const move of [...history].sort((a, b) => a.seq - b.seq)) {
    if (move.kind === "rollback") stack.pop();
    else stack.push(move);
  }
  return stack.at(-1);
}
