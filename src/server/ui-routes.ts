import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

/**
 * The page addresses of the single-page app (INTERFACE.md "Server"). Only
 * these fall back to index.html: an unknown /api path keeps its JSON 404.
 */
export const UI_PAGES = [
  "/",
  "/experiments",
  "/experiments/*",
  "/runs/*",
  "/compare",
  "/datasets",
  "/datasets/*",
  "/models",
  "/models/*",
  "/lineage",
  "/sweeps",
  "/sweeps/*",
] as const;

/** dist/server sits next to dist/ui; under tsx, src/server reaches the built dist/ui. */
export function findUiDir(): string | undefined {
  for (const candidate of ["../ui/", "../../dist/ui/"]) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}

function sendIndex(reply: FastifyReply) {
  return reply.sendFile("index.html");
}

/** Serves the built web UI at `/`; without a build, the pages say how to make one. */
export async function uiRoutes(
  app: FastifyInstance,
  uiDir: string | null = findUiDir() ?? null,
): Promise<void> {
  if (uiDir === null) {
    for (const url of UI_PAGES) {
      app.get(url, { schema: { hide: true } }, async (_request, reply) =>
        reply
          .status(503)
          .type("text/plain; charset=utf-8")
          .send("The web UI is not built; run `npm run build`. The API is at /api/v1.\n"),
      );
    }
    return;
  }
  await app.register(fastifyStatic, {
    root: uiDir,
    // One route per built file instead of a catch-all, which would swallow /api 404s.
    wildcard: false,
    index: false,
    schemaHide: true,
    cacheControl: false,
    setHeaders(res, path) {
      // Bundles have content hashes in their names; everything else is revalidated.
      const hashed = path.includes("/assets/");
      res.setHeader("cache-control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  for (const url of UI_PAGES) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
  }
}
