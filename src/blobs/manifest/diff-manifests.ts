import type { Manifest, ManifestFile } from "./manifest-types.js";
import { contentKey } from "./stat-cache.js";

export interface FileSize {
  path: string;
  size: number;
}

export interface ChangedFile {
  path: string;
  oldSize: number;
  newSize: number;
  /** Whether the bytes differ (false when only the mode changed). */
  contentChanged: boolean;
  modeChanged: boolean;
}

export interface ManifestDiff {
  added: FileSize[];
  removed: FileSize[];
  changed: ChangedFile[];
}

/** Files added, removed and changed from `a` to `b`, each list sorted by path. */
export function diffManifests(a: Manifest, b: Manifest): ManifestDiff {
  const before = new Map<string, ManifestFile>(a.files.map((f) => [f.path, f]));
  const diff: ManifestDiff = { added: [], removed: [], changed: [] };
  const sameChunker = JSON.stringify(a.chunker) === JSON.stringify(b.chunker);
  for (const file of b.files) {
    const old = before.get(file.path);
    before.delete(file.path);
    if (!old) {
      diff.added.push({ path: file.path, size: file.size });
      continue;
    }
    // Under other chunker parameters equal bytes chunk differently, so chunk
    // lists compare only when both are one chunk (the whole file's digest);
    // otherwise such a file counts as changed.
    const comparable = sameChunker || (old.chunks.length <= 1 && file.chunks.length <= 1);
    const contentChanged =
      old.size !== file.size ||
      !comparable ||
      contentKey(old.chunks, a.chunker) !== contentKey(file.chunks, b.chunker);
    const modeChanged = old.mode !== file.mode;
    if (contentChanged || modeChanged) {
      diff.changed.push({
        path: file.path,
        oldSize: old.size,
        newSize: file.size,
        contentChanged,
        modeChanged,
      });
    }
  }
  for (const old of before.values()) diff.removed.push({ path: old.path, size: old.size });
  return diff;
}
