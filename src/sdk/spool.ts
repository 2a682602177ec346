import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { OutboundRequest } from "./outbound-request.js";

const SUFFIX = ".req";

/** Where batches wait while the server is unreachable: `$LOCKSTEP_HOME/spool`, else `~/.lockstep/spool`. */
export function defaultSpoolDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.LOCKSTEP_HOME?.trim();
  return home ? join(home, "spool") : join(homedir(), ".lockstep", "spool");
}

/** A request read back from the spool, with its body already encoded. */
export interface SpooledRequest extends OutboundRequest {
  body: string;
  /** The server it was meant for. */
  baseUrl: string;
  /** The file it came from. */
  file: string;
}

let sequence = 0;

/**
 * One file per request, written with temp + fsync + rename so that a crash
 * leaves either the whole request or nothing. The first line is a JSON header
 * (server, run, method, path, points); the rest is the body exactly as it will be sent,
 * idempotency key included, so a re-send after a crash cannot double-count.
 * Files sort by creation time, so they are re-sent in order.
 */
export class Spool {
  private created = false;
  private readonly suffix: string;

  /** Only requests for `baseUrl` are listed and written: one spool may serve several servers. */
  constructor(
    readonly dir: string,
    readonly baseUrl: string,
  ) {
    const server = createHash("sha256").update(baseUrl).digest("hex").slice(0, 12);
    this.suffix = `.${server}${SUFFIX}`;
  }

  /** Writes synchronously: also called from exit handlers, where nothing async runs. */
  write(request: OutboundRequest & { body: string }): string {
    this.ensureDir();
    const name = `${String(Date.now()).padStart(14, "0")}-${String(sequence++).padStart(8, "0")}-${process.pid}-${randomBytes(4).toString("hex")}${this.suffix}`;
    const header = JSON.stringify({
      baseUrl: this.baseUrl,
      runId: request.runId,
      method: request.method,
      path: request.path,
      points: request.points,
    });
    const temp = join(this.dir, `.${name}.tmp`);
    const fd = openSync(temp, "w");
    try {
      writeSync(fd, `${header}\n${request.body}`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, join(this.dir, name));
    this.syncDir();
    return name;
  }

  /** Spooled files for this server, oldest first. */
  list(): string[] {
    try {
      return readdirSync(this.dir)
        .filter((f) => f.endsWith(this.suffix) && !f.startsWith("."))
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  /** The request in `file`; undefined when it vanished (another client sent it) or is unreadable. */
  read(file: string): SpooledRequest | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.dir, file), "utf8");
    } catch {
      return undefined;
    }
    const newline = text.indexOf("\n");
    if (newline < 0) return undefined;
    try {
      const header = JSON.parse(text.slice(0, newline)) as Omit<SpooledRequest, "body" | "file">;
      return { ...header, body: text.slice(newline + 1), file };
    } catch {
      return undefined;
    }
  }

  remove(file: string): void {
    try {
      unlinkSync(join(this.dir, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  /** Sets an unreadable file aside so it does not block the queue; kept for inspection. */
  quarantine(file: string): void {
    try {
      renameSync(join(this.dir, file), join(this.dir, `${file}.bad`));
    } catch {
      // Already gone: nothing to set aside.
    }
  }

  private ensureDir(): void {
    if (this.created) return;
    mkdirSync(this.dir, { recursive: true });
    this.created = true;
  }

  private syncDir(): void {
    // Makes the rename itself durable; not possible on every platform.
    try {
      const fd = openSync(this.dir, "r");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Best effort.
    }
  }
}
