import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { type RunningServer, startServer } from "../../../src/server/start-server.js";

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  body: any;
  headers: Headers;
}

export interface CallOptions {
  /** Sent as JSON with content-type application/json. */
  json?: unknown;
  /** Sent as is. */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface TestServer {
  url: string;
  dir: string;
  blobsDir: string;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

/**
 * A real listening server on a free port over a temporary blob folder and a
 * temporary SQLite file, or the store at `storeUrl`; `afterClose` runs once
 * it has stopped (to drop a test database).
 */
export async function startTestServer(
  options: { storeUrl?: string; afterClose?: () => Promise<void> } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-http-"));
  const blobsDir = join(dir, "blobs");
  const server: RunningServer = await startServer({
    host: "127.0.0.1",
    port: 0,
    storeUrl: options.storeUrl ?? `sqlite:${join(dir, "lockstep.db")}`,
    blobsUrl: blobsDir,
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: server.url,
    dir,
    blobsDir,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      let body: string | Uint8Array | undefined = options.raw;
      if (options.json !== undefined) {
        headers["content-type"] ??= "application/json";
        body = JSON.stringify(options.json);
      }
      const res = await fetch(server.url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {}
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await server.close();
      await options.afterClose?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One real server for a test file: started before its tests, closed after.
 * The object is filled in by `beforeAll`, so use it only inside tests.
 */
export function serverForThisFile(): TestServer {
  const server = {} as TestServer;
  beforeAll(async () => {
    Object.assign(server, await startTestServer());
  });
  afterAll(async () => {
    await server.close?.();
  });
  return server;
}

/**
 * Sends a request with the path exactly as given: fetch would resolve `..`
 * and `%2e%2e` segments before sending, hiding what an attacker can send.
 */
export function rawRequest(
  baseUrl: string,
  options: { method: string; path: string; body?: string },
): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname, port, method: options.method, path: options.path },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** After a bad request the server must still answer. */
export async function expectHealthy(server: TestServer): Promise<void> {
  const res = await server.call("GET", "/api/health");
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ status: "ok", store: "sqlite", version: expect.any(String) });
}

export function badRequest(message: string, issues?: { path: string; message: string }[]) {
  return { error: { code: "BAD_REQUEST", message, ...(issues ? { issues } : {}) } };
}

export function errorBody(
  code: string,
  message: string | ReturnType<typeof expect.stringContaining>,
) {
  return { error: { code, message } };
}

/** Creates a run and returns its id. */
export async function createRun(server: TestServer, body: Record<string, unknown> = {}) {
  const res = await server.call("POST", "/api/v1/runs", { json: body });
  expect(res.status).toBe(201);
  return res.body.run.id as string;
}
