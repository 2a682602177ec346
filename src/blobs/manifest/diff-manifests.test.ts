import { describe, expect, it } from "vitest";
import { chunkerParamsFor, DEFAULT_CHUNKER_PARAMS } from "../chunking/chunker-params.js";
import { diffManifests } from "./diff-manifests.js";
import { MANIFEST_FORMAT, type Manifest, type ManifestFile } from "./manifest-types.js";

const d = (c: string) => `sha256:${c.repeat(64)}`;
const file = (path: string, digests: string[], mode = 0o644): ManifestFile => ({
  path,
  size: digests.length * 10,
  mode,
  chunks: digests.map((x) => ({ digest: d(x), size: 10 })),
});
const manifest = (files: ManifestFile[], chunker = DEFAULT_CHUNKER_PARAMS): Manifest => ({
  format: MANIFEST_FORMAT,
  chunker: { ...chunker },
  files,
});

describe("diffManifests", () => {
  it("lists added, removed and changed files with their sizes", () => {
    const a = manifest([
      file("keep", ["1"]),
      file("gone", ["2"]),
      file("grow", ["3"]),
      file("mode", ["4"]),
    ]);
    const b = manifest([
      file("grow", ["3", "5"]),
      file("keep", ["1"]),
      file("mode", ["4"], 0o755),
      file("new", ["6", "7"]),
    ]);
    expect(diffManifests(a, b)).toEqual({
      added: [{ path: "new", size: 20 }],
      removed: [{ path: "gone", size: 10 }],
      changed: [
        { path: "grow", oldSize: 10, newSize: 20, contentChanged: true, modeChanged: false },
        { path: "mode", oldSize: 10, newSize: 10, contentChanged: false, modeChanged: true },
      ],
    });
    expect(diffManifests(a, a)).toEqual({ added: [], removed: [], changed: [] });
  });

  it("notices same-size content changes", () => {
    const diff = diffManifests(
      manifest([file("f", ["1", "2"])]),
      manifest([file("f", ["1", "3"])]),
    );
    expect(diff.changed.map((c) => c.path)).toEqual(["f"]);
  });

  it("compares single-chunk files across chunker parameters", () => {
    const other = chunkerParamsFor({ minSize: 256, avgSize: 1024, maxSize: 4096 });
    const a = manifest([file("same", ["1"]), file("multi", ["1", "2"])]);
    const b = manifest([file("same", ["1"]), file("multi", ["1", "2"])], other);
    expect(diffManifests(a, b).changed.map((c) => c.path)).toEqual(["multi"]);
  });
});
