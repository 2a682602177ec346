import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type RequestListener } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type StreamedHead, streamedPost } from "./streamed-post.js";

const servers: Server[] = [];
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  for (const server of servers.splice(0)) {
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: Server): Promise<URL> {
  servers.push(server);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return new URL(`http://127.0.0.1:${port}/echo?x=1`);
}

const http = (handler: RequestListener) => listen(createHttpServer(handler) as unknown as Server);
/** A server that answers every connection with exactly these bytes, then closes. */
const raw = (reply: (socket: Socket) => void) =>
  listen(createTcpServer((socket) => socket.once("data", () => reply(socket))));

/** The head and the whole body, copied piece by piece as the caller must. */
async function post(url: URL, body: Uint8Array, readBytes = 1000, signal?: AbortSignal) {
  let head: StreamedHead | undefined;
  const pieces: Buffer[] = [];
  await streamedPost(
    url,
    body,
    {
      contentType: "application/json",
      timeoutMs: 10_000,
      readBytes,
      ...(signal ? { signal } : {}),
    },
    (h) => {
      head = h;
    },
    (piece) => pieces.push(Buffer.from(piece)),
  );
  return { head, body: Buffer.concat(pieces) };
}

describe("streamedPost", () => {
  it("sends the body and receives a chunked, a sized and an unsized response whole", async () => {
    const payload = randomBytes(300_000);
    const url = await http((req, res) => {
      const parts: Buffer[] = [];
      req.on("data", (d: Buffer) => parts.push(d));
      req.on("end", () => {
        const got = Buffer.concat(parts);
        res.setHeader("x-path", req.url ?? "");
        res.setHeader("x-type", req.headers["content-type"] ?? "");
        // Many writes of odd sizes: many chunks, split anywhere by the 1000-byte reads.
        for (let at = 0; at < got.length; at += 7919) res.write(got.subarray(at, at + 7919));
        res.end();
      });
    });
    const echoed = await post(url, payload);
    expect(echoed.head?.status).toBe(200);
    expect(echoed.head?.headers.get("x-path")).toBe("/echo?x=1");
    expect(echoed.head?.headers.get("x-type")).toBe("application/json");
    expect(echoed.head?.headers.get("transfer-encoding")).toBe("chunked");
    expect(echoed.body.equals(payload)).toBe(true);

    const sizedUrl = await http((_req, res) => {
      res.writeHead(404, "Not Found", { "content-length": 11 });
      res.end("no such one");
    });
    const sized = await post(sizedUrl, Buffer.from("{}"));
    expect(sized.head).toMatchObject({ status: 404, statusText: "Not Found" });
    expect(sized.body.toString()).toBe("no such one");

    const unsizedUrl = await raw((s) =>
      s.end("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil close"),
    );
    expect((await post(unsizedUrl, Buffer.from("{}"))).body.toString()).toBe("until close");
  });

  it("rejects a response cut short, malformed, aborted or never answered", async () => {
    const cut = await raw((s) =>
      s.end("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10\r\nonly some"),
    );
    await expect(post(cut, Buffer.from("{}"))).rejects.toThrow(/closed before the response/);
    const cutSized = await raw((s) => s.end("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort"));
    await expect(post(cutSized, Buffer.from("{}"))).rejects.toThrow(/closed before the response/);
    const bad = await raw((s) =>
      s.end("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n"),
    );
    await expect(post(bad, Buffer.from("{}"))).rejects.toThrow(/malformed chunked/);
    const notHttp = await raw((s) => s.end("SSH-2.0-OpenSSH\r\n\r\n"));
    await expect(post(notHttp, Buffer.from("{}"))).rejects.toThrow(/malformed HTTP/);

    const silent = await raw(() => undefined);
    const abort = new AbortController();
    const pending = post(silent, Buffer.from("{}"), 1000, abort.signal);
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });

    const closed = new URL(silent.href);
    await new Promise((resolve) => (servers.pop() as Server).close(resolve));
    await expect(post(closed, Buffer.from("{}"))).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
