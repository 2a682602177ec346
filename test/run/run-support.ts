import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Run } from "../../src/domain/run.js";
import { CLI } from "../cli/run-cli.js";
import { startTestServer, type TestServer } from "../sdk/test-server.js";

export const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
};

export interface WrapperResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** `lockstep: run <id>` from stderr; empty when none was printed. */
  runId: string;
  /** The largest RSS of the wrapper process seen while it ran, in MiB. */
  maxRssMb: number;
}

/** A real server in this process and a scratch folder, for one test file. */
export class RunFixture {
  server!: TestServer;
  private temps: string[] = [];

  async start(): Promise<void> {
    this.server = await startTestServer();
  }

  async close(): Promise<void> {
    await this.server.close();
    for (const dir of this.temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  }

  tempDir(prefix = "lockstep-run-test-"): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.temps.push(dir);
    return dir;
  }

  /**
   * Runs the built `lockstep run` in `cwd`. The environment is the test's,
   * minus tracking variables, plus `env`, with a private spool folder.
   */
  wrap(
    args: string[],
    options: {
      cwd?: string;
      env?: Record<string, string>;
      onStart?: (child: ChildProcess) => void;
      /** Drop the output instead of keeping it (megabytes of it). */
      discardStdout?: boolean;
      /** Another address for the server (a proxy in front of it). */
      trackingUri?: string;
    } = {},
  ): Promise<WrapperResult> {
    const base = { ...process.env };
    for (const name of Object.keys(base)) {
      if (name.startsWith("LOCKSTEP_") || name.startsWith("MLFLOW_")) delete base[name];
    }
    const env = {
      ...base,
      LOCKSTEP_HOME: this.tempDir("lockstep-home-"),
      ...options.env,
    };
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [CLI, "--tracking-uri", options.trackingUri ?? this.server.url, "run", ...args],
        { cwd: options.cwd ?? this.tempDir(), env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      let maxRssMb = 0;
      child.stdout.on("data", (d: Buffer) => {
        if (!options.discardStdout) stdout += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      const sampler = setInterval(() => {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
          const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
          maxRssMb = Math.max(maxRssMb, kb / 1024);
        } catch {
          // exited
        }
      }, 25);
      child.once("error", reject);
      options.onStart?.(child);
      child.once("close", (code, signal) => {
        clearInterval(sampler);
        const runId = /lockstep: run ([0-9a-f]{32})/.exec(stderr)?.[1] ?? "";
        resolve({ code, signal, stdout, stderr, runId, maxRssMb });
      });
    });
  }

  async getRun(id: string): Promise<Run> {
    const response = await fetch(`${this.server.url}/api/v1/runs/${id}`);
    if (!response.ok) throw new Error(`GET run ${id}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { run: Run }).run;
  }

  /** The bytes of an artifact, or undefined when there is none. */
  async artifact(id: string, path: string): Promise<Buffer | undefined> {
    const response = await fetch(`${this.server.url}/api/v1/runs/${id}/artifacts/${path}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`GET artifact ${path}: ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  async artifactList(
    id: string,
    dir = "",
  ): Promise<Array<{ path: string; isDir: boolean; size?: number; digest?: string }>> {
    const response = await fetch(
      `${this.server.url}/api/v1/runs/${id}/artifacts?path=${encodeURIComponent(dir)}`,
    );
    return (
      (await response.json()) as {
        files: Array<{ path: string; isDir: boolean; size?: number; digest?: string }>;
      }
    ).files;
  }

  async history(
    id: string,
    key: string,
  ): Promise<Array<{ value: number | string; step: number; timestamp: number }>> {
    const response = await fetch(
      `${this.server.url}/api/v1/runs/${id}/metrics/${encodeURIComponent(key)}/history?max_results=25000`,
    );
    return (
      (await response.json()) as {
        points: Array<{ value: number | string; step: number; timestamp: number }>;
      }
    ).points;
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args],
    {
      cwd,
      env: { ...process.env, ...GIT_ENV },
      encoding: "utf8",
    },
  );
}

/** `node -e SCRIPT` as a command for `lockstep run`. */
export function nodeCommand(script: string): string[] {
  return [process.execPath, "-e", script];
}
