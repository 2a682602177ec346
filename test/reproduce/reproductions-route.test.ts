import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server/start-server.js";
import { createTestDatabase, postgresAvailable } from "../support/postgres.js";

/**
 * GET /api/v1/runs/:id/reproductions over both stores: the runs tagged as
 * reproducing a run, newest first, with verdict and seed count.
 */

const pgReady = await postgresAvailable();

const STORES: Array<[string, boolean, () => Promise<{ url: string; drop: () => Promise<void> }>]> =
  [
    ["sqlite", true, async () => ({ url: "", drop: async () => undefined })],
    ["postgres", pgReady, createTestDatabase],
  ];

for (const [name, enabled, database] of STORES) {
  describe.skipIf(!enabled)(`GET /api/v1/runs/:id/reproductions (${name})`, () => {
    let server: RunningServer;
    let dir: string;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "lockstep-reproductions-"));
      const db = await database();
      drop = db.drop;
      server = await startServer({
        host: "127.0.0.1",
        port: 0,
        storeUrl: db.url || `sqlite:${join(dir, "lockstep.db")}`,
        blobsUrl: join(dir, "blobs"),
      });
    });
    afterAll(async () => {
      await server.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const call = async (method: string, path: string, json?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        ...(json === undefined
          ? {}
          : { headers: { "content-type": "application/json" }, body: JSON.stringify(json) }),
      });
      // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
      return { status: response.status, body: (await response.json()) as any };
    };
    const createRun = async (body: Record<string, unknown>) =>
      (await call("POST", "/api/v1/runs", body)).body.run as { id: string; startTime: number };

    it("lists the reproductions of one run only, newest first, with their verdicts", async () => {
      const original = await createRun({ experimentName: "orig" });
      const other = await createRun({ experimentName: "orig" });
      const tagsOf = (verdict: string, extra: Record<string, string> = {}) => ({
        "lockstep.reproduction.of": original.id,
        "lockstep.reproduction.verdict": verdict,
        ...extra,
      });
      const older = await createRun({
        experimentName: "orig",
        kind: "reproduction",
        startTime: 1000,
        tags: tagsOf("identical"),
      });
      // Another experiment still counts: the link is the tag.
      const newer = await createRun({
        experimentName: "elsewhere",
        kind: "reproduction",
        startTime: 2000,
        tags: tagsOf("not a verdict", { "lockstep.reproduction.seeds": "3" }),
      });
      await createRun({ kind: "reproduction", tags: { "lockstep.reproduction.of": other.id } });

      const res = await call("GET", `/api/v1/runs/${original.id}/reproductions`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        count: 2,
        reproductions: [
          {
            runId: newer.id,
            status: "RUNNING",
            startTime: 2000,
            endTime: null,
            verdict: null,
            seeds: 3,
          },
          {
            runId: older.id,
            status: "RUNNING",
            startTime: 1000,
            endTime: null,
            verdict: "identical",
            seeds: null,
          },
        ],
      });
      const none = await call("GET", `/api/v1/runs/${other.id}/reproductions`);
      expect(none.body.count).toBe(1);
    });

    it("answers 404 with the JSON error body for an unknown run", async () => {
      const res = await call("GET", `/api/v1/runs/${"0".repeat(32)}/reproductions`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: "NOT_FOUND", message: expect.any(String) } });
    });
  });
}
