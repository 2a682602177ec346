import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Lockstep } from "../../../src/sdk/lockstep.js";
import { findUiDir } from "../../../src/server/ui-routes.js";
import { CLI, execCli } from "../../cli/run-cli.js";
import { startTestServer, type TestServer } from "../../http/support/test-server.js";
import { createTestDatabase } from "../../support/postgres.js";
import { CHROMIUM } from "./browser.js";

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
};

/** Fails early with the fix, instead of a timeout deep in a browser test. */
export function checkPrerequisites(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  }
  if (findUiDir() === undefined) throw new Error("dist/ui is missing: run `npm run build`");
  if (!existsSync(CLI)) throw new Error("dist/cli is missing: run `npm run build`");
}

export function cli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith("MLFLOW_")) delete env[name];
  }
  return execCli(args, { ...(options.cwd ? { cwd: options.cwd } : {}), env });
}

/** A git work tree with one commit and one uncommitted change, for the code capture. */
export function dirtyRepo(dir: string): void {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("remote", "add", "origin", "https://example.com/team/digits.git");
  writeFileSync(join(dir, "train.js"), "console.log('training');\n");
  git("add", "train.js");
  git("commit", "-q", "-m", "first");
  writeFileSync(join(dir, "train.js"), "console.log('training');\nconsole.log('tuned');\n");
}

export interface UiFixture {
  server: TestServer;
  ls: Lockstep;
  temp: string;
  close(): Promise<void>;
}

export type UiStore = "sqlite" | "postgres";

/** The test server over a fresh PostgreSQL database, dropped on close. */
async function startPostgresServer(): Promise<TestServer> {
  const db = await createTestDatabase();
  return startTestServer({ storeUrl: db.url, afterClose: db.drop }).catch(
    async (error: unknown) => {
      await db.drop();
      throw error;
    },
  );
}

export async function startUiFixture(store: UiStore = "sqlite"): Promise<UiFixture> {
  const server = store === "postgres" ? await startPostgresServer() : await startTestServer();
  const temp = mkdtempSync(join(tmpdir(), "lockstep-ui-"));
  const ls = new Lockstep({
    trackingUri: server.url,
    spoolDir: join(temp, "spool"),
    flushIntervalMs: 100,
  });
  return {
    server,
    ls,
    temp,
    async close() {
      await ls.close({ timeoutMs: 2000 }).catch(() => {});
      await server.close();
      rmSync(temp, { recursive: true, force: true });
    },
  };
}
