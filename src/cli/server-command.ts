import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { parsePort } from "./cli-arguments.js";

interface ServerOptions {
  host: string;
  port: number;
  home: string;
  store?: string;
  blobs?: string;
}

/** `lockstep server`: the tracking server, until SIGINT or SIGTERM. */
export function serverCommand(): Command {
  return new Command("server")
    .description("run the tracking server (API, MLflow API and web UI)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", parsePort, 5005)
    .option("--home <dir>", "where the default store and blobs live", "./.lockstep")
    .option(
      "--store <url>",
      "metadata store: sqlite:<path> or postgres://… (default sqlite:<home>/lockstep.db)",
    )
    .option("--blobs <url>", "blob store: a directory or s3://bucket/prefix (default <home>/blobs)")
    .action(async (options: ServerOptions) => {
      const home = resolve(options.home);
      const storeUrl = options.store ?? `sqlite:${join(home, "lockstep.db")}`;
      const blobsUrl = options.blobs ?? join(home, "blobs");
      if (!options.store || !options.blobs) mkdirSync(home, { recursive: true });
      // Loaded here so that the other commands do not pay for the server's modules.
      const { startServer } = await import("../server/start-server.js");
      const server = await startServer({
        host: options.host,
        port: options.port,
        storeUrl,
        blobsUrl,
      });
      process.stderr.write(`lockstep server listening on ${server.url}\n`);
      await untilSignal();
      process.stderr.write("lockstep server shutting down\n");
      // A second signal while closing means "now".
      const force = () => process.exit(1);
      process.once("SIGINT", force);
      process.once("SIGTERM", force);
      await server.close();
    });
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolveSignal(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
