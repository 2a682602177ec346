import { lstat, readdir } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";

/** One regular file found at or below a local path. */
export interface LocalFile {
  /** Where it is on disk. */
  local: string;
  /** `/`-separated and relative to the folder walked; a file given itself keeps its base name. */
  relative: string;
}

/** What a local path holds: a file, a folder's files, or neither (a socket, a device…). */
export interface LocalFiles {
  kind: "file" | "folder" | "other";
  /** Sorted by `relative`; empty for `other`. */
  files: LocalFile[];
}

/**
 * The regular files at `local`: itself when it is a file, else every file
 * below it. Symbolic links are not followed, so a walk never leaves the
 * folder. A missing path rejects with the file system's error (`ENOENT`).
 */
export async function listLocalFiles(local: string): Promise<LocalFiles> {
  const info = await lstat(local);
  if (info.isFile()) return { kind: "file", files: [{ local, relative: basename(local) }] };
  if (!info.isDirectory()) return { kind: "other", files: [] };
  const entries = await readdir(local, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { local: path, relative: relative(local, path).split(sep).join("/") };
    })
    .sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return { kind: "folder", files };
}
