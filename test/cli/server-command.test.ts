import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "./run-cli.js";

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "lockstep-cli-server-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("lockstep server", () => {
  it("serves from --home, says where on stderr, and stops cleanly on SIGTERM", async () => {
    const home = join(scratch, "home");
    const child = spawn(process.execPath, [CLI, "server", "--port", "0", "--home", home], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const match = /^lockstep server listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      child.once("exit", () => reject(new Error(`server exited: ${stderr}`)));
    });
    const health = (await (await fetch(`${url}/api/health`)).json()) as {
      status: string;
      store: string;
    };
    expect(health).toMatchObject({ status: "ok", store: "sqlite" });
    expect(existsSync(join(home, "lockstep.db"))).toBe(true);

    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => resolve(code)),
    );
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stdout).toBe("");
  });

  it("fails with one error line when the port is taken", async () => {
    const first = spawn(
      process.execPath,
      [CLI, "server", "--port", "0", "--home", join(scratch, "a")],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    const port = await new Promise<string>((resolve) => {
      let text = "";
      first.stderr.on("data", (d: Buffer) => {
        text += d.toString();
        const match = /:(\d+)\n/.exec(text);
        if (match?.[1]) resolve(match[1]);
      });
    });
    const second = spawn(
      process.execPath,
      [CLI, "server", "--port", port, "--home", join(scratch, "b")],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    second.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => second.once("exit", resolve));
    first.kill("SIGTERM");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: .*\n$/);
  });
});
