/** What the diff reads of a manifest (get-manifest.ts); no imports, so tests load it anywhere. */
interface ManifestFile {
  path: string;
  size: number;
  mode: number;
  chunks: { digest: string }[];
}
interface Manifest<F extends ManifestFile> {
  files: F[];
}

export interface ManifestDiff<F extends ManifestFile> {
  added: F[];
  removed: F[];
  changed: { path: string; before: F; after: F }[];
  unchanged: number;
}

/** Same chunks in the same order means the same bytes; the mode counts as a change too. */
const sameContent = (a: ManifestFile, b: ManifestFile) =>
  a.size === b.size &&
  a.mode === b.mode &&
  a.chunks.length === b.chunks.length &&
  a.chunks.every((c, i) => c.digest === b.chunks[i]?.digest);

/** What changed from `from` to `to`, file by file, in path order. */
export function diffManifests<F extends ManifestFile>(
  from: Manifest<F>,
  to: Manifest<F>,
): ManifestDiff<F> {
  const before = new Map(from.files.map((f) => [f.path, f]));
  const after = new Map(to.files.map((f) => [f.path, f]));
  const diff: ManifestDiff<F> = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const file of to.files) {
    const old = before.get(file.path);
    if (!old) diff.added.push(file);
    else if (sameContent(old, file)) diff.unchanged++;
    else diff.changed.push({ path: file.path, before: old, after: file });
  }
  for (const file of from.files) if (!after.has(file.path)) diff.removed.push(file);
  return diff;
}
