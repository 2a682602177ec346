import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PackageInfo } from "./capture-types.js";
import { foldersUpTo, relativePath } from "./lockfile-capture.js";

type Fields = { name: string | null; version: string | null };

const MANIFESTS: {
  file: string;
  ecosystem: PackageInfo["ecosystem"];
  read: (t: string) => Fields;
}[] = [
  { file: "package.json", ecosystem: "npm", read: readPackageJson },
  { file: "pyproject.toml", ecosystem: "python", read: readPyproject },
  { file: "setup.cfg", ecosystem: "python", read: readSetupCfg },
];

/**
 * Name and version from the manifests of the nearest folder (from `cwd` up to
 * `root`) that has any. A manifest that cannot be read or parsed is listed
 * with null fields rather than failing the capture.
 */
export async function capturePackages(cwd: string, root: string): Promise<PackageInfo[]> {
  for (const dir of foldersUpTo(cwd, root)) {
    const found = await Promise.all(
      MANIFESTS.map(async (m) => {
        const text = await readFile(join(dir, m.file), "utf8").catch(() => undefined);
        if (text === undefined) return undefined;
        const fields = safely(() => m.read(text));
        return { file: relativePath(root, join(dir, m.file)), ecosystem: m.ecosystem, ...fields };
      }),
    );
    const packages = found.filter((p): p is PackageInfo => p !== undefined);
    if (packages.length > 0) return packages;
  }
  return [];
}

function safely(read: () => Fields): Fields {
  try {
    return read();
  } catch {
    return { name: null, version: null };
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

export function readPackageJson(text: string): Fields {
  const json: unknown = JSON.parse(text);
  if (typeof json !== "object" || json === null) return { name: null, version: null };
  const { name, version } = json as Record<string, unknown>;
  return { name: stringOrNull(name), version: stringOrNull(version) };
}

/**
 * `name` and `version` from `[project]` (PEP 621), else `[tool.poetry]`. Only
 * top-level string keys of those tables are read, which is all a manifest's
 * identity needs; a full TOML parser would be a dependency for two fields.
 */
export function readPyproject(text: string): Fields {
  const tables: Record<string, Fields> = {};
  let table = "";
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      table = header[1] === "[[" ? "" : (header[2] ?? "").replace(/\s*\.\s*/g, ".");
      continue;
    }
    const kv = /^\s*(name|version)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*')\s*(#.*)?$/.exec(line);
    if (!kv || !table) continue;
    const raw = kv[2] ?? "";
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    const fields = tables[table] ?? { name: null, version: null };
    fields[kv[1] as keyof Fields] = stringOrNull(value);
    tables[table] = fields;
  }
  return tables.project ?? tables["tool.poetry"] ?? { name: null, version: null };
}

/** `[metadata]` name and version; `attr:` and `file:` versions are not resolved. */
export function readSetupCfg(text: string): Fields {
  const out: Fields = { name: null, version: null };
  let section = "";
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      section = (header[1] ?? "").trim();
      continue;
    }
    const kv = /^(name|version)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (section !== "metadata" || !kv) continue;
    const value = kv[2] ?? "";
    if (/^(attr|file):/.test(value)) continue;
    out[kv[1] as keyof Fields] = stringOrNull(value);
  }
  return out;
}
