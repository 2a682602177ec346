import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../../src/server/start-server.js";

export interface TestServer {
  url: string;
  port: number;
  /** Holds the SQLite file and blobs; reused by restart(). */
  dir: string;
  /** Stops the server, keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port over the same data. */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}

/** A real server in this process: temp SQLite file, temp blob folder, a free port. */
export async function startTestServer(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-sdk-"));
  const open = (port: number) =>
    startServer({
      host: "127.0.0.1",
      port,
      storeUrl: `sqlite:${join(dir, "lockstep.db")}`,
      blobsUrl: join(dir, "blobs"),
    });
  let server: Awaited<ReturnType<typeof startServer>> | undefined = await open(0);
  const url = server.url;
  const port = Number(new URL(url).port);
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  return {
    url,
    port,
    dir,
    stop,
    async restart() {
      await stop();
      server = await open(port);
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port nothing listens on (it was free a moment ago). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
