import type { ArtifactComparison, ArtifactDigest } from "./reproduction-types.js";

/** Lockstep's own files (the code patch, the captured output): not results of the command. */
export function isResultArtifact(path: string): boolean {
  return !path.startsWith("lockstep/");
}

/** Each output artifact of run A against run B, by path, by digest. */
export function compareArtifacts(a: ArtifactDigest[], b: ArtifactDigest[]): ArtifactComparison[] {
  const da = new Map(a.filter((x) => isResultArtifact(x.path)).map((x) => [x.path, x.digest]));
  const db = new Map(b.filter((x) => isResultArtifact(x.path)).map((x) => [x.path, x.digest]));
  const paths = [...new Set([...da.keys(), ...db.keys()])].sort();
  return paths.map((path) => {
    const va = da.get(path) ?? null;
    const vb = db.get(path) ?? null;
    const status =
      va === null ? "added" : vb === null ? "missing" : va === vb ? "identical" : "differs";
    return { path, status, a: va, b: vb };
  });
}
