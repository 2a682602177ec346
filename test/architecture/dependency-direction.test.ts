import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

/** The layer of a file: its first folder under src/ (adapters get their own name). */
function layerOf(file: string): string {
  const rel = relative(SRC, file).split("\\").join("/");
  // The port: the interfaces in src/store/ itself (adapters live in sub-folders).
  if (/^store\/[^/]+-store\.ts$/.test(rel) && rel !== "store/open-store.ts") return "store-port";
  // Pure content-addressing logic (digests, chunking, manifests, pack format) any layer may use.
  if (
    /^blobs\/(blob-store|digest)\.ts$/.test(rel) ||
    /^blobs\/(chunking|manifest|pack)\//.test(rel)
  ) {
    return "blob-port";
  }
  if (rel.startsWith("store/")) return "store-adapter";
  if (rel.startsWith("blobs/")) return "blob-adapter";
  return rel.includes("/") ? (rel.split("/")[0] ?? "") : "root";
}

/** Which layers each layer may import; dependencies point one way. */
const ALLOWED: Record<string, string[]> = {
  domain: ["domain"],
  "store-port": ["domain", "store-port"],
  "store-adapter": ["domain", "store-port", "store-adapter"],
  "blob-port": ["domain", "blob-port"],
  "blob-adapter": ["domain", "blob-port", "blob-adapter"],
  // Sweep specs and samplers: pure, seeded through capture/seeds.ts.
  sweeps: ["domain", "capture", "sweeps"],
  services: ["domain", "store-port", "blob-port", "services", "sweeps"],
  capture: ["domain", "capture"],
  sdk: ["domain", "sdk", "capture", "blob-port"],
  server: ["domain", "services", "server", "store-port", "blob-port", "sweeps"],
  cli: ["domain", "sdk", "cli", "capture", "server", "blob-port", "sweeps"],
  root: ["domain", "sdk", "capture"],
};

/** The composition root may open concrete adapters; nothing else outside them may. */
const MAY_OPEN_ADAPTERS = new Set(["server/start-server.ts"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [full] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:import|export)[^'"]*?from\s+["']([^"']+)["']/g)].map(
    (m) => m[1] ?? "",
  );
  return specifiers
    .filter((s) => s.startsWith("."))
    .map((s) => resolve(dirname(file), s.replace(/\.js$/, ".ts")));
}

describe("dependency direction", () => {
  const files = sourceFiles(SRC);

  it("finds the sources", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it("every import points to an allowed layer", () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      const fromRel = relative(SRC, file);
      for (const target of relativeImports(file)) {
        const to = layerOf(target);
        const allowed = ALLOWED[from] ?? [];
        const opensAdapter =
          (to === "store-adapter" || to === "blob-adapter") && MAY_OPEN_ADAPTERS.has(fromRel);
        if (!allowed.includes(to) && !opensAdapter) {
          wrong.push(`${fromRel} (${from}) imports ${relative(SRC, target)} (${to})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("the rule itself catches a wrong-way arrow", () => {
    expect(ALLOWED.domain).not.toContain("services");
    expect(ALLOWED.services).not.toContain("store-adapter");
    expect(ALLOWED["store-adapter"]).not.toContain("services");
    expect(ALLOWED.sdk).not.toContain("server");
  });
});
