import { type Dirent, readdirSync, type Stats, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { comparePaths } from "./manifest-path.js";

/** A regular file found under a dataset source, with what the stat cache compares. */
export interface SourceFile {
  /** Relative POSIX path, as recorded in the manifest. */
  path: string;
  absPath: string;
  size: number;
  mode: number;
  /** Milliseconds with a sub-microsecond fraction; enough to tell writes apart. */
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export interface ListOptions {
  /** An absolute path to leave out, e.g. a stat cache kept inside the folder. */
  exclude?: string;
  /** Default is true; a status looks files up by path and skips the sort's cost. */
  sorted?: boolean;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A one-line Error for a failed file-system call, naming the path. */
export function fsError(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const reason: Record<string, string> = {
    ENOENT: `No such file or folder: ${path}`,
    ELOOP: `Symlink loop at ${path}`,
    EACCES: `Permission denied: ${path}`,
    EPERM: `Permission denied: ${path}`,
    ENOTDIR: `Not a folder: ${path}`,
  };
  return new Error(reason[code ?? ""] ?? `Cannot read ${path}: ${code ?? String(error)}`, {
    cause: error,
  });
}

function statFollowing(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw fsError(error, path);
  }
}

function toSourceFile(path: string, absPath: string, stat: Stats): SourceFile {
  return {
    path,
    absPath,
    size: stat.size,
    mode: stat.mode & 0o777,
    mtimeMs: stat.mtimeMs,
    ctimeMs: stat.ctimeMs,
    ino: stat.ino,
  };
}

/**
 * The regular files of a file or a folder (recursively), sorted by path
 * unless asked not to.
 * Symlinks are followed — a dataset folder often links to shared files — and
 * a link back to a folder being walked is refused as a loop; sockets, FIFOs
 * and devices are skipped. Synchronous because it is the whole cost of a
 * no-change status, where one `statSync` per file beats any async batching.
 */
export function listSourceFiles(
  source: string,
  options: ListOptions = {},
): { kind: "file" | "folder"; root: string; files: SourceFile[] } {
  const root = resolve(source);
  const stat = statFollowing(root);
  if (stat.isFile()) {
    return { kind: "file", root, files: [toSourceFile(basename(root), root, stat)] };
  }
  if (!stat.isDirectory()) throw new Error(`Not a regular file or folder: ${source}`);
  const files: SourceFile[] = [];
  const exclude = options.exclude === undefined ? undefined : resolve(options.exclude);
  const ancestors = new Set<string>();
  const walk = (dir: string, rel: string, dirStat: Stats): void => {
    const id = `${dirStat.dev}:${dirStat.ino}`;
    if (ancestors.has(id)) throw new Error(`Symlink loop at ${dir}`);
    ancestors.add(id);
    for (const entry of readNames(dir)) {
      const name = entry.name;
      const abs = `${dir}/${name}`;
      const path = rel === "" ? name : `${rel}/${name}`;
      if (abs === exclude) continue;
      if (entry.isFile() || entry.isSymbolicLink() || entry.isDirectory()) {
        const s = statFollowing(abs);
        if (s.isFile()) files.push(toSourceFile(path, abs, s));
        else if (s.isDirectory()) walk(abs, path, s);
      }
    }
    ancestors.delete(id);
  };
  walk(root, "", stat);
  if (options.sorted !== false) files.sort((a, b) => comparePaths(a.path, b.path));
  return { kind: "folder", root, files };
}

/**
 * Entries with string names. Reading names as strings is the fast path; a
 * U+FFFD in one may be a name that is not UTF-8 (decoded lossily), so then
 * the raw bytes are read and checked.
 */
function readNames(dir: string): Dirent[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw fsError(error, dir);
  }
  if (entries.some((e) => e.name.includes("\uFFFD"))) {
    for (const raw of readdirSync(dir, { encoding: "buffer" })) {
      try {
        utf8.decode(raw);
      } catch {
        throw new Error(`Path is not valid UTF-8: ${dir}/${raw.toString("latin1")}`);
      }
    }
  }
  return entries;
}
