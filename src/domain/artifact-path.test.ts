import { posix, win32 } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ARTIFACT_PATH_MAX_LENGTH,
  normaliseArtifactFolder,
  normaliseArtifactPath,
} from "./artifact-path.js";
import { BadRequestError } from "./errors.js";

const ROOT = "/srv/run-root";

/** Runs the check and returns the accepted path, or undefined when it threw BadRequestError. */
function attempt(check: (raw: string) => string, raw: string): string | undefined {
  try {
    return check(raw);
  } catch (error) {
    if (error instanceof BadRequestError) return undefined;
    throw error;
  }
}

/** Strings built from the pieces that make paths dangerous, so the fuzzer finds them often. */
const pathLike = fc
  .array(
    fc.oneof(
      fc.constantFrom("/", "//", ".", "..", "\\", "C:", "c:\\", "\0", "\n", "\u007f", "\u0085"),
      fc.constantFrom("a", "b.txt", "...", ".hidden", " ", "é", "😀", "\uD800", "%2e%2e"),
      fc.string({ unit: "binary", maxLength: 4 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(""));

const anyString = fc.oneof(pathLike, fc.string({ unit: "binary" }), fc.string());

describe("normaliseArtifactPath", () => {
  it.each([
    "model.pkl",
    "model/model.json",
    "a/b/c/d.txt",
    ".hidden/...config",
    "with space/ümlaut 😀.bin",
    "x".repeat(ARTIFACT_PATH_MAX_LENGTH),
    "notes:v2.txt",
    "x/C:y",
  ])("accepts %j unchanged", (raw) => {
    expect(normaliseArtifactPath(raw)).toBe(raw);
  });

  it.each([
    ["empty", "", /empty/],
    ["absolute", "/etc/passwd", /relative/],
    ["a Windows drive", "C:\\x", /separator|relative/],
    ["a Windows drive with slashes", "C:/x", /relative/],
    ["a UNC path", "\\\\server\\share", /separator/],
    ["a backslash", "a\\b", /separator/],
    ["a parent segment", "a/../b", /"\.\." segments/],
    ["a leading parent segment", "../b", /"\.\." segments/],
    ["only a parent segment", "..", /"\.\." segments/],
    ["a current segment", "a/./b", /"\." segments/],
    ["only a current segment", ".", /"\." segments/],
    ["an empty segment", "a//b", /empty segments/],
    ["a trailing slash", "a/b/", /empty segments/],
    ["a NUL byte", "a\0b", /control/],
    ["a newline", "a\nb", /control/],
    ["DEL", "a\u007fb", /control/],
    ["a C1 control", "a\u0085b", /control/],
    ["a lone surrogate", "a\uD800b", /control/],
    ["too long", "x".repeat(ARTIFACT_PATH_MAX_LENGTH + 1), /at most 1024/],
  ])("rejects %s with BadRequestError", (_case, raw, message) => {
    expect(() => normaliseArtifactPath(raw)).toThrow(BadRequestError);
    expect(() => normaliseArtifactPath(raw)).toThrow(message);
  });

  it("names the field and reason in the error", () => {
    try {
      normaliseArtifactPath("a/../b");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).toBody()).toEqual({
        error: {
          code: "BAD_REQUEST",
          message: 'Invalid artifact path "a/../b": must not contain ".." segments',
          issues: [{ path: "path", message: 'must not contain ".." segments' }],
        },
      });
    }
  });

  it("only ever throws BadRequestError, whatever the input", () => {
    fc.assert(
      fc.property(anyString, (raw) => {
        attempt(normaliseArtifactPath, raw);
        attempt(normaliseArtifactFolder, raw);
      }),
      { numRuns: 2000 },
    );
  });

  it("never accepts a path that escapes the root or needs normalising", () => {
    fc.assert(
      fc.property(anyString, (raw) => {
        const path = attempt(normaliseArtifactPath, raw);
        if (path === undefined) return;
        expect(path).toBe(raw);
        expect(posix.normalize(path)).toBe(path);
        const joined = posix.join(ROOT, path);
        expect(joined.startsWith(`${ROOT}/`)).toBe(true);
        expect(posix.relative(ROOT, joined).split("/")).not.toContain("..");
        // The same holds where the server runs on Windows, where `resolve` honours drives.
        const winRoot = "C:\\srv\\run-root";
        expect(win32.resolve(winRoot, path).startsWith(`${winRoot}\\`)).toBe(true);
        expect(path.length).toBeLessThanOrEqual(ARTIFACT_PATH_MAX_LENGTH);
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts every path made of ordinary segments", () => {
    const segment = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((s) => !/[/\\\p{Cc}]/u.test(s) && s !== "." && s !== "..")
      .filter((s) => !/^[a-z]:/i.test(s));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 10 }), (segments) => {
        const raw = segments.join("/");
        expect(normaliseArtifactPath(raw)).toBe(raw);
      }),
    );
  });
});

describe("normaliseArtifactFolder", () => {
  it("accepts the root as an empty string", () => {
    expect(normaliseArtifactFolder("")).toBe("");
  });

  it("accepts a folder under the root", () => {
    expect(normaliseArtifactFolder("model/weights")).toBe("model/weights");
  });

  it.each(["/", "..", "a/", "a//b", "/abs", "a\\b"])("rejects %j", (raw) => {
    expect(() => normaliseArtifactFolder(raw)).toThrow(BadRequestError);
  });

  it("never accepts a folder that escapes the root", () => {
    fc.assert(
      fc.property(anyString, (raw) => {
        const folder = attempt(normaliseArtifactFolder, raw);
        if (folder === undefined) return;
        const joined = posix.join(ROOT, folder);
        expect(joined === ROOT || joined.startsWith(`${ROOT}/`)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
