import type { AddressInfo } from "node:net";
import type { FastifyBaseLogger } from "fastify";
import type { BlobStore } from "../blobs/blob-store.js";
import { openBlobStore } from "../blobs/open-blob-store.js";
import { openStore } from "../store/open-store.js";
import { buildApp } from "./app.js";

export interface StartServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** `sqlite:<path>` or `postgres://…`. */
  storeUrl: string;
  /** A folder, `file:<path>` or `s3://bucket/prefix`. */
  blobsUrl: string;
  logger?: FastifyBaseLogger | boolean;
}

export interface RunningServer {
  /** Where clients reach it, e.g. `http://127.0.0.1:5005`. */
  url: string;
  /** Stops accepting requests, finishes the ones in flight, then closes the stores. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

/** Opens the stores, builds the app and listens; undoes what it did if a step fails. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const store = await openStore(options.storeUrl);
  let blobs: BlobStore;
  try {
    blobs = await openBlobStore(options.blobsUrl);
  } catch (error) {
    await store.close();
    throw error;
  }
  const app = buildApp({
    store,
    blobs,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close().catch(() => {});
    await blobs.close();
    await store.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(options.host)}:${port}`,
    close() {
      closing ??= (async () => {
        try {
          await app.close();
        } finally {
          await blobs.close();
          await store.close();
        }
      })();
      return closing;
    },
  };
}
