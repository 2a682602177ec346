import { BadRequestError } from "./errors.js";

/** `models:/NAME@ALIAS` or `models:/NAME/VERSION` (also `models:/NAME/latest`). */
export type ModelRef =
  | { name: string; alias: string; version?: undefined }
  | { name: string; version: number; alias?: undefined };

const PREFIX = "models:/";

export function isModelRef(text: string): boolean {
  return text.startsWith(PREFIX);
}

/** Parses a model reference; throws BadRequestError naming what is wrong. */
export function parseModelRef(text: string): ModelRef {
  const bad = (why: string) =>
    new BadRequestError(
      `invalid model reference ${JSON.stringify(text)}: ${why} (expected models:/NAME@ALIAS or models:/NAME/VERSION)`,
    );
  if (!text.startsWith(PREFIX)) throw bad("it must start with models:/");
  const rest = text.slice(PREFIX.length);
  const at = rest.lastIndexOf("@");
  if (at !== -1) {
    const name = rest.slice(0, at);
    const alias = rest.slice(at + 1);
    if (name === "" || name.includes("/")) throw bad("the model name is empty or holds '/'");
    if (!/^[\w-]+$/.test(alias))
      throw bad("the alias is empty or holds characters other than letters, digits, '_' and '-'");
    return { name, alias };
  }
  const slash = rest.lastIndexOf("/");
  if (slash <= 0) throw bad("no version or alias");
  const name = rest.slice(0, slash);
  const version = rest.slice(slash + 1);
  if (name.includes("/")) throw bad("the model name holds '/'");
  if (version === "latest") return { name, alias: "latest" };
  if (!/^[1-9]\d{0,15}$/.test(version))
    throw bad(`version ${JSON.stringify(version)} is not a positive integer`);
  return { name, version: Number(version) };
}

export function formatModelRef(ref: ModelRef): string {
  return ref.alias !== undefined
    ? `${PREFIX}${ref.name}@${ref.alias}`
    : `${PREFIX}${ref.name}/${ref.version}`;
}
