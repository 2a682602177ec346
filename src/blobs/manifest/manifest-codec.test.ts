import { describe, expect, it } from "vitest";
import { DEFAULT_CHUNKER_PARAMS } from "../chunking/chunker-params.js";
import { canonicalManifestJson, manifestDigest, parseManifest } from "./manifest-codec.js";
import { comparePaths } from "./manifest-path.js";
import { MANIFEST_FORMAT, type Manifest } from "./manifest-types.js";

const D1 = `sha256:${"1".repeat(64)}`;
const D2 = `sha256:${"2".repeat(64)}`;

function sample(): Manifest {
  return {
    format: MANIFEST_FORMAT,
    chunker: { ...DEFAULT_CHUNKER_PARAMS },
    files: [
      { path: "a/b.txt", size: 5, mode: 0o644, chunks: [{ digest: D1, size: 5 }] },
      { path: "empty", size: 0, mode: 0o600, chunks: [] },
      {
        path: "z",
        size: 7,
        mode: 0o755,
        chunks: [
          { digest: D1, size: 3 },
          { digest: D2, size: 4 },
        ],
      },
    ],
  };
}

describe("manifest codec", () => {
  it("serialises canonically: key order and extra keys do not change the digest", () => {
    const m = sample();
    const shuffled = JSON.parse(
      JSON.stringify({ files: m.files, extra: 1, chunker: m.chunker, format: m.format }),
    ) as Manifest;
    expect(canonicalManifestJson(shuffled)).toBe(canonicalManifestJson(m));
    expect(manifestDigest(shuffled)).toBe(manifestDigest(m));
    expect(canonicalManifestJson(m)).not.toMatch(/\s/);
    expect(
      canonicalManifestJson(m).startsWith('{"format":"lockstep-manifest/1","chunker":{"algorithm"'),
    ).toBe(true);
    expect(manifestDigest(m)).toMatch(/^sha256:[0-9a-f]{64}$/);
    const changed = sample();
    (changed.files[2] as { mode: number }).mode = 0o644;
    expect(manifestDigest(changed)).not.toBe(manifestDigest(m));
  });

  it("round-trips through parse", () => {
    const json = canonicalManifestJson(sample());
    expect(canonicalManifestJson(parseManifest(json))).toBe(json);
  });

  it("rejects malformed manifests with a one-line reason", () => {
    const cases: [(m: Manifest) => unknown, RegExp][] = [
      [(m) => ({ ...m, format: "other/1" }), /unknown format "other\/1"/],
      [(m) => ({ ...m, files: [...m.files].reverse() }), /not sorted by path/],
      [(m) => ({ ...m, files: [m.files[0], m.files[0]] }), /not sorted by path/],
      [
        (m) => ({ ...m, files: [{ ...m.files[0], path: "../x" }] }),
        /path "..\/x" has a ".." segment/,
      ],
      [(m) => ({ ...m, files: [{ ...m.files[0], path: "/etc/x" }] }), /is absolute/],
      [(m) => ({ ...m, files: [{ ...m.files[0], path: "a//b" }] }), /empty segment/],
      [(m) => ({ ...m, files: [{ ...m.files[0], path: "a\ud800" }] }), /not valid Unicode/],
      [(m) => ({ ...m, files: [{ ...m.files[0], size: 6 }] }), /add up to 5, not 6/],
      [
        (m) => ({ ...m, files: [{ ...m.files[1], chunks: [{ digest: "md5:x", size: 1 }] }] }),
        /invalid chunk digest/,
      ],
      [(m) => ({ ...m, files: [{ ...m.files[0], mode: -1 }] }), /invalid mode/],
      [
        (m) => ({
          ...m,
          files: [
            { ...m.files[1], path: "a" },
            { ...m.files[1], path: "a/b" },
          ],
        }),
        /"a" is a file and a folder/,
      ],
      [(m) => ({ ...m, chunker: { ...m.chunker, minSize: "16k" } }), /chunker.minSize/],
    ];
    for (const [mutate, message] of cases) {
      expect(() => parseManifest(JSON.stringify(mutate(sample())))).toThrow(message);
    }
    expect(() => parseManifest("{")).toThrow(/^Invalid manifest: /);
    expect(() => parseManifest("[]")).toThrow("Invalid manifest: not a JSON object");
  });

  it("orders paths by code point, as UTF-8 bytes would", () => {
    const paths = ["b", "a/b", "a", "\u{1F600}", "\uFFFD", "a-b", "A"];
    const sorted = [...paths].sort(comparePaths);
    const byBytes = [...paths].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(sorted).toEqual(byBytes);
  });
});
