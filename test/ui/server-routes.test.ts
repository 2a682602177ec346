import { readdirSync } from "node:fs";
import { join } from "node:path";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findUiDir, UI_PAGES, uiRoutes } from "../../src/server/ui-routes.js";
import { createRun, startTestServer, type TestServer } from "../http/support/test-server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** Reads a server-sent event stream until it closes or `until` says stop. */
async function readEvents(
  url: string,
  options: { until?: (text: string) => boolean; onOpen?: () => Promise<void> } = {},
): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(url);
  const type = res.headers.get("content-type");
  if (!res.body) return { status: res.status, type, text: "" };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  await options.onOpen?.();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (options.until?.(text)) {
      await reader.cancel();
      break;
    }
  }
  return { status: res.status, type, text };
}

function events(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("event: "))
    .map((block) => {
      const [head, data] = block.split("\n");
      return { event: (head ?? "").slice(7), data: JSON.parse((data ?? "").slice(6)) };
    });
}

describe("GET /api/v1/runs/:id/events", () => {
  it("streams status and latest metrics while RUNNING, then `end` and closes", async () => {
    const id = await createRun(server, { name: "streamed" });
    const batch = await server.call("POST", `/api/v1/runs/${id}/batch`, {
      json: { metrics: [{ key: "loss", value: 0.5, step: 1 }] },
    });
    expect(batch.status).toBe(200);
    const result = await readEvents(`${server.url}/api/v1/runs/${id}/events`, {
      onOpen: async () => {
        await new Promise((r) => setTimeout(r, 300));
        await server.call("PATCH", `/api/v1/runs/${id}`, {
          json: { status: "FINISHED", endTime: Date.now() },
        });
      },
    });
    expect(result.status).toBe(200);
    expect(result.type).toBe("text/event-stream; charset=utf-8");
    const list = events(result.text);
    expect(list[0]).toEqual({
      event: "run",
      data: {
        id,
        status: "RUNNING",
        startTime: expect.any(Number),
        endTime: null,
        metrics: [{ key: "loss", value: 0.5, step: 1, timestamp: expect.any(Number) }],
      },
    });
    expect(list.at(-2)?.data.status).toBe("FINISHED");
    expect(list.at(-1)).toEqual({ event: "end", data: { status: "FINISHED" } });
  });

  it("sends one `run` then `end` for a run that has already ended", async () => {
    const id = await createRun(server);
    await server.call("PATCH", `/api/v1/runs/${id}`, { json: { status: "FAILED" } });
    const list = events((await readEvents(`${server.url}/api/v1/runs/${id}/events`)).text);
    expect(list.map((e) => e.event)).toEqual(["run", "end"]);
  });

  it("lets the server close while a stream is open", async () => {
    const own = await startTestServer();
    const id = await createRun(own);
    const res = await fetch(`${own.url}/api/v1/runs/${id}/events`);
    const reader = res.body?.getReader();
    expect((await reader?.read())?.done).toBe(false);
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(3000);
    for (;;) if ((await reader?.read())?.done !== false) break;
  });

  it("answers an unknown run with the JSON 404, not a stream", async () => {
    const res = await server.call("GET", `/api/v1/runs/${"0".repeat(32)}/events`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: "NOT_FOUND", message: `run "${"0".repeat(32)}" not found` },
    });
  });
});

describe("the web UI routes", () => {
  it("serves the app at every page address, and JSON 404s everywhere else", async () => {
    expect(findUiDir()).toBeDefined();
    for (const path of [
      "/",
      "/experiments/3?filter=x",
      "/runs/abc",
      "/compare?runs=a,b",
      "/datasets/d",
      "/models/m",
      "/lineage?ref=r",
      "/sweeps/1",
    ]) {
      const res = await fetch(server.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toBe("text/html; charset=utf-8");
      expect(await res.text()).toContain('<div id="root"></div>');
    }
    for (const path of ["/api/v1/nothing", "/api/nothing", "/nothing", "/runs"]) {
      const res = await server.call("GET", path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code, path).toBe("NOT_FOUND");
    }
  });

  it("serves hashed bundles for good and revalidates the page", async () => {
    const dir = findUiDir() ?? "";
    const bundle = readdirSync(join(dir, "assets")).find((f) => f.endsWith(".js"));
    const asset = await fetch(`${server.url}/assets/${bundle}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await asset.text()).length).toBeGreaterThan(1000);
    const page = await fetch(`${server.url}/runs/x`);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    await page.text();
  });

  it("says how to build the UI when there is none, without touching /api", async () => {
    const app = Fastify();
    await app.register(async (scope) => uiRoutes(scope, null));
    const res = await app.inject({ method: "GET", url: "/experiments/1" });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain("npm run build");
    expect((await app.inject({ method: "GET", url: "/api/v1/x" })).statusCode).toBe(404);
    expect(UI_PAGES).not.toContain("/api/*");
    await app.close();
  });
});
