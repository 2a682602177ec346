import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HttpClient } from "./http-client.js";
import type { LockstepApiError } from "./lockstep-api-error.js";
import type { OutboundRequest } from "./outbound-request.js";
import { Outbox } from "./outbox.js";
import { Spool } from "./spool.js";

/** A real HTTP server answering from a script of statuses (200 once the script runs out). */
async function scriptedServer(statuses: number[], port = 0) {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      bodies.push(body);
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(
        status < 300
          ? '{"accepted":1,"duplicate":false}'
          : `{"error":{"code":"X${status}","message":"scripted ${status}"}}`,
      );
    });
  });
  await new Promise<void>((ok) => server.listen(port, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((ok) => server.close(() => ok()));
  return { url, bodies, close };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lockstep-outbox-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const batch = (n: number): OutboundRequest => ({
  runId: "r",
  method: "POST",
  path: "/batch",
  body: () => `{"n":${n},"idempotencyKey":"key-${n}"}`,
  points: 1,
});

function outboxFor(url: string, spoolAfterMs = 60_000) {
  const refused: LockstepApiError[] = [];
  const outbox = new Outbox({
    http: new HttpClient({ baseUrl: url }),
    spool: new Spool(dir, url),
    spoolAfterMs,
    maxBackoffMs: 50,
    onRejected: (_r, e) => refused.push(e),
  });
  return { outbox, refused, spool: new Spool(dir, url) };
}

describe("Outbox", () => {
  it("retries 5xx and 429 with the same body, in order", async () => {
    const server = await scriptedServer([503, 429, 500]);
    const { outbox, refused } = outboxFor(server.url);
    outbox.enqueue(batch(1));
    outbox.enqueue(batch(2));
    expect(await outbox.waitForIdle(5000)).toBe(true);
    expect(server.bodies).toEqual([
      '{"n":1,"idempotencyKey":"key-1"}',
      '{"n":1,"idempotencyKey":"key-1"}',
      '{"n":1,"idempotencyKey":"key-1"}',
      '{"n":1,"idempotencyKey":"key-1"}',
      '{"n":2,"idempotencyKey":"key-2"}',
    ]);
    expect(refused).toEqual([]);
    expect(outbox.report()).toMatchObject({ complete: true, inMemory: 0, spooled: 0 });
    await server.close();
  });

  it("does not retry a 4xx: reports it once and moves on", async () => {
    const server = await scriptedServer([409]);
    const { outbox, refused } = outboxFor(server.url);
    outbox.enqueue(batch(1));
    outbox.enqueue(batch(2));
    expect(await outbox.waitForIdle(5000)).toBe(true);
    expect(server.bodies).toHaveLength(2);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 409, code: "X409", message: "scripted 409" });
  });

  it("spools while the server is unreachable and re-sends the same bytes when it is back", async () => {
    const probe = await scriptedServer([]);
    await probe.close();
    const { outbox, spool } = outboxFor(probe.url, 100);
    outbox.enqueue(batch(1));
    outbox.enqueue(batch(2));
    expect(await outbox.waitForIdle(600)).toBe(false);
    expect(spool.list()).toHaveLength(2);
    expect(outbox.report()).toMatchObject({ complete: false, inMemory: 0, spooled: 2 });

    const server = await scriptedServer([], Number(new URL(probe.url).port));
    expect(await outbox.waitForIdle(5000)).toBe(true);
    expect(server.bodies).toEqual([
      '{"n":1,"idempotencyKey":"key-1"}',
      '{"n":2,"idempotencyKey":"key-2"}',
    ]);
    expect(spool.list()).toEqual([]);
    await server.close();
  });

  it("writes what is in memory to the spool on demand (exit), and a new outbox sends it", async () => {
    const probe = await scriptedServer([]);
    await probe.close();
    const first = outboxFor(probe.url);
    first.outbox.enqueue(batch(7));
    expect(first.outbox.spoolAll()).toBe(1);
    expect(first.spool.list()).toHaveLength(1);

    const server = await scriptedServer([], Number(new URL(probe.url).port));
    const second = outboxFor(server.url);
    second.outbox.rescanSpool();
    expect(await second.outbox.waitForIdle(5000)).toBe(true);
    // The first outbox may still be retrying too; both send the same bytes and
    // the server's idempotency key makes the second copy a no-op.
    expect(new Set(server.bodies)).toEqual(new Set(['{"n":7,"idempotencyKey":"key-7"}']));
    expect(second.spool.list()).toEqual([]);
    await server.close();
  });
});
