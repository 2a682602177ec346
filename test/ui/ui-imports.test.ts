import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../cli/run-cli.js";

const UI_SRC = join(ROOT, "ui", "src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/from\s+"(\.[^"]+)"/g)].map((m) => resolve(dirname(file), m[1] ?? ""));
}

/** bulletproof-react's rules (STYLE.md): features stand alone, and the UI never reaches into the server. */
describe("ui/src imports", () => {
  const files = sources(UI_SRC);

  it("finds the UI's sources", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it("never import from outside ui/src", () => {
    const outside = files.flatMap((file) =>
      relativeImports(file)
        .filter((target) => relative(UI_SRC, target).startsWith(".."))
        .map((target) => `${relative(ROOT, file)} -> ${relative(ROOT, target)}`),
    );
    expect(outside).toEqual([]);
  });

  it("never import one feature from another, nor app/ from features or shared code", () => {
    const area = (path: string) => {
      const parts = relative(UI_SRC, path).split("/");
      return parts[0] === "features" ? `features/${parts[1]}` : (parts[0] ?? "");
    };
    const wrong = files.flatMap((file) =>
      relativeImports(file)
        .filter((target) => {
          const from = area(file);
          const to = area(target);
          if (to.startsWith("features/")) return from !== to && from !== "app";
          return to === "app" && from !== "app" && from !== "main.tsx";
        })
        .map((target) => `${relative(UI_SRC, file)} -> ${relative(UI_SRC, target)}`),
    );
    expect(wrong).toEqual([]);
  });
});
