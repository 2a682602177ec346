import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./test-server.js";

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), "fixtures/upload-large-file.ts");
const SIZE_MB = 256;

let server: TestServer;
let scratch: string;
beforeAll(async () => {
  server = await startTestServer();
  scratch = mkdtempSync(join(tmpdir(), "lockstep-artifact-stream-"));
});
afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("run.logArtifact", () => {
  it("streams a large file: the uploader's memory does not grow with it", async () => {
    const file = join(scratch, "big.bin");
    const bytes = Buffer.alloc(SIZE_MB * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32LE(i, i);
    writeFileSync(file, bytes);
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

    // The server runs in this process: the uploader must not block its event loop.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", FIXTURE, server.url, file],
      { encoding: "utf8" },
    );
    const result = JSON.parse(stdout) as { digest: string; before: number; after: number };
    expect(result.digest).toBe(digest);
    // Buffering the file would add its 256 MiB (or more) to the peak.
    expect(result.after - result.before).toBeLessThan(SIZE_MB / 4);
  }, 60_000);
});
